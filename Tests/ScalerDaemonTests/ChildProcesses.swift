import Testing

/// The suites that run real child processes (the daemon, the command line, Chromium, make,
/// promtool) are nested here and run one at a time: together they then take about one core, and
/// leave the other to the tests that measure time, rather than starving them on a 2-core machine.
@Suite(.serialized) enum ChildProcesses {}
