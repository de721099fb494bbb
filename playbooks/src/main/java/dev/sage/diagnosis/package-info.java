/** The diagnosis model: what Sage concluded about a JVM, independent of how it is shown. */
package dev.sage.diagnosis;
