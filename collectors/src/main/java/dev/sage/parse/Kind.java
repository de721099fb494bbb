package dev.sage.parse;

/** What a piece of captured text is, as told by its content. */
public enum Kind {
    THREAD_DUMP("thread dump", true, true),
    THREAD_DUMP_JSON("thread dump (Thread.dump_to_file JSON)", true, true),
    CLASS_HISTOGRAM("class histogram", true, true),
    HEAP_INFO("heap info (GC.heap_info)", true, true),
    NATIVE_MEMORY("native memory (VM.native_memory)", true, true),
    VM_VERSION("JVM version (VM.version)", true, true),
    VM_FLAGS("JVM flags (VM.flags)", true, true),
    VM_UPTIME("JVM uptime (VM.uptime)", true, true),
    FINALIZER_INFO("finalizer queue (GC.finalizer_info)", true, true),
    PERF_COUNTERS("performance counters (PerfCounter.print)", true, true),
    PROCESS_STATUS("process status (/proc/<pid>/status)", true, true),
    CGROUP_MEMORY("container memory (cgroup)", true, true),
    /** A JDK Flight Recorder file, binary: read by {@link dev.sage.profile.ProfileReader}, never as text. */
    FLIGHT_RECORDING("flight recording (JDK Flight Recorder)", true, true),
    JCMD_ERROR("jcmd error answer", false, true),
    JVM_LIST("list of running JVMs (jcmd -l)", false, true),
    JCMD_HELP("list of jcmd commands (jcmd help)", false, true),
    JCMD_OTHER("jcmd answer with no diagnostic content", false, true),
    /** The answer to an action someone asked Sage to run (System.trim_native_heap, GC.run, GC.heap_dump). */
    ACTION("answer to an action", false, true),
    OPENJ9_JAVACORE("IBM J9 / Eclipse OpenJ9 javacore", true, false),
    JROCKIT_THREAD_DUMP("BEA JRockit thread dump", true, false);

    private final String description;
    private final boolean diagnostic;
    private final boolean supported;

    Kind(String description, boolean diagnostic, boolean supported) {
        this.description = description;
        this.diagnostic = diagnostic;
        this.supported = supported;
    }

    /** Words for people: "class histogram". */
    public String description() {
        return description;
    }

    /** True for what describes the JVM's state; false for listings, help and error answers. */
    public boolean diagnostic() {
        return diagnostic;
    }

    /** False for vendor formats Sage recognises but cannot read yet. */
    public boolean supported() {
        return supported;
    }
}
