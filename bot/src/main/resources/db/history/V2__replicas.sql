-- One row per scheduled firing of a digest: the replica that took it, and whether it was posted, so that a firing
-- run again after its replica died (Quartz's recovery) is not posted twice.
CREATE TABLE digest_firings (
    digest        VARCHAR(200) NOT NULL,
    scheduled_for TIMESTAMP WITH TIME ZONE NOT NULL,
    instance      VARCHAR(200) NOT NULL,   -- the replica that claimed it last
    claimed_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    posted_at     TIMESTAMP WITH TIME ZONE,  -- null until it was posted
    PRIMARY KEY (digest, scheduled_for)
);

-- The Slack events some replica took, by event id: Slack redelivers an event it thinks was not acknowledged, possibly
-- to another replica, and it is answered once. Kept a day.
CREATE TABLE slack_events (
    event_id VARCHAR(100) NOT NULL PRIMARY KEY,
    seen_at  TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX slack_events_seen_at ON slack_events (seen_at);
