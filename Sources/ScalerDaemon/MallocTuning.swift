import Foundation

/// glibc's `malloc` as a long-running daemon at thousands of endpoints needs it. Two defaults
/// held memory the daemon had freed (`scripts/bench-controller.sh`, 10,000 endpoints):
/// - **Arenas.** Each thread that contends for `malloc` gets an arena of its own, up to eight
///   per core, and an arena keeps its high-water mark: 269-278 MB over a load cycle with the
///   default, 245 MB with one arena per core.
/// - **The mmap threshold.** A block over 128 KB (a tick's array of 10,000 rows, a dictionary's
///   storage) is mapped on its own and unmapped when freed, but glibc raises the threshold to
///   the size of each such block freed, so from the first tick on these arrays came from the
///   heap, left holes there between ticks, and the heap kept growing: 247 MB at the end of a
///   5.5-minute run against 210 MB with the threshold fixed at 128 KB, for the same CPU per
///   tick (514 and 520 ms, within this machine's noise).
///
/// `malloc_trim` after every tick took another 17 MB off but cost 50-70 ms of CPU per tick, so
/// it is not done.
enum MallocTuning {
    /// `M_MMAP_THRESHOLD` and `M_ARENA_MAX` in glibc's `<malloc.h>`, which Swift's Glibc module
    /// does not export.
    private static let mmapThresholdParameter: Int32 = -3
    private static let arenaMaxParameter: Int32 = -8
    static let mmapThreshold: Int32 = 128 * 1024

    /// What was set: before the threads that allocate most exist. An operator's own setting
    /// (`MALLOC_ARENA_MAX`, `MALLOC_MMAP_THRESHOLD_`, or any `GLIBC_TUNABLES` for malloc) wins.
    struct Applied: Equatable {
        var arenaMax = false
        var mmapThreshold = false
    }

    @discardableResult
    static func apply(environment: [String: String] = ProcessInfo.processInfo.environment) -> Applied {
        var applied = Applied()
        guard let mallopt = function("mallopt", as: (@convention(c) (Int32, Int32) -> Int32).self) else { return applied }
        let tunables = environment["GLIBC_TUNABLES"] ?? ""
        if environment["MALLOC_ARENA_MAX"] == nil, !tunables.contains("glibc.malloc.arena_max") {
            applied.arenaMax = mallopt(arenaMaxParameter, Int32(max(1, ProcessInfo.processInfo.activeProcessorCount))) == 1
        }
        if environment["MALLOC_MMAP_THRESHOLD_"] == nil, !tunables.contains("glibc.malloc.mmap_threshold") {
            applied.mmapThreshold = mallopt(mmapThresholdParameter, mmapThreshold) == 1
        }
        return applied
    }

    /// The C library's own symbol, if it has one (glibc does; others go without).
    private static func function<F>(_ name: String, as type: F.Type) -> F? {
        #if os(Linux)
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), name) else { return nil }
        return unsafeBitCast(symbol, to: type)
        #else
        return nil
        #endif
    }
}
