/** The bot's audit: every request, refusal and command run on a target, on record before it runs. */
package dev.sage.audit;
