/**
 * Parsers: pure functions from the text of a jcmd/jstack capture to snapshot records, and the content
 * detector that tells which kind of capture a text is. No parser touches a file, a process or the network.
 */
package dev.sage.parse;
