/**
 * Collection from a live JVM over a {@link dev.sage.transport.Transport}: finding the JVM, the plan of jcmd
 * commands, one batched jcmd start per round, and turning the answers into a snapshot.
 */
package dev.sage.collect;
