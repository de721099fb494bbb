/**
 * The one diagnosis service every front end calls (the command line, Slack, later alerts and digests): a request in,
 * a report or a typed failure out, progress told to a listener. Front ends parse and render; they never collect,
 * judge or word a finding themselves.
 */
package dev.sage.service;
