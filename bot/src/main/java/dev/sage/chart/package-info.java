/** Pictures for replies: charts drawn from a {@link dev.sage.snapshot.JvmSnapshot}, as PNG bytes to attach to a Slack thread. */
package dev.sage.chart;
