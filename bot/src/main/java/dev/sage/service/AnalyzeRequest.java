package dev.sage.service;

import java.nio.file.Path;
import java.util.List;

/**
 * Captures to diagnose without collecting: what a person already has (files, a pasted dump, a file shared in chat).
 *
 * @param target what the captures are of, in words
 * @param inputs the captures, a time series in this order
 * @param sibling captures of a healthy sibling to compare with, or empty
 * @param playbookDirs team playbook directories, loaded over the built-ins
 */
public record AnalyzeRequest(String target, List<CaptureInput> inputs, List<CaptureInput> sibling, List<Path> playbookDirs) {
    public AnalyzeRequest {
        inputs = List.copyOf(inputs);
        sibling = List.copyOf(sibling);
        playbookDirs = List.copyOf(playbookDirs);
    }
}
