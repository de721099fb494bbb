/** The engine: runs the playbooks in force over a snapshot and ranks what they find. Pure. */
package dev.sage.engine;
