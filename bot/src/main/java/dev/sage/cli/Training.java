package dev.sage.cli;

import java.io.OutputStream;
import java.io.PrintStream;

/**
 * The run the launcher records a class-data archive from ({@code -XX:ArchiveClassesAtExit}): the commands people start
 * most, in one JVM, their output thrown away, so that the classes they load are archived and later starts map them
 * instead of loading them. Touches no target: the diagnosis asks for a pid that cannot exist.
 */
public final class Training {
    private Training() {
    }

    public static void main(String[] args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        PrintStream nowhere = new PrintStream(OutputStream.nullOutputStream());
        System.setOut(nowhere);
        System.setErr(nowhere);
        try {
            Sage.run("--help");
            Sage.run("--version");
            for (String command : new String[] {"analyze", "diagnose", "profile", "playbooks"}) {
                Sage.run(command, "--help");
            }
            Sage.run("analyze", "--sample");
            Sage.run("analyze", "--sample", "--format", "json");
            Sage.run("diagnose", "local:" + Integer.MAX_VALUE, "--rounds", "1");
            Sage.run("playbooks", "list");
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }
}
