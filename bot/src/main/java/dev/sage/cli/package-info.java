/** The {@code sage} command line: one class per command, all of them thin over the other modules. */
package dev.sage.cli;
