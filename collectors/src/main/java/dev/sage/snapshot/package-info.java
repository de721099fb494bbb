/** The snapshot model: immutable records describing what was read off one JVM. */
package dev.sage.snapshot;
