/**
 * The Slack app: reads what people ask (mentions, direct messages, {@code /sage}, button clicks), hands it to the
 * diagnosis service, and answers in the thread with progress, the diagnosis in Block Kit, a memory chart and the raw
 * captures. It never collects, judges or words a finding itself.
 */
package dev.sage.slack;
