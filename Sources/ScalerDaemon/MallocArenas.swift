import Foundation

/// glibc gives each thread that contends for `malloc` an arena of its own, up to eight per core,
/// and an arena keeps its high-water mark. The daemon allocates and frees on Swift's executor
/// threads, NIO's and the journal's queue: at 10,000 endpoints it held 269-278 MB over a load
/// cycle with glibc's default and 245 MB with one arena per core (`scripts/bench-controller.sh`).
/// `malloc_trim` after every tick took it to 228 MB but cost 50-70 ms of CPU per tick.
enum MallocArenas {
    /// `M_ARENA_MAX` in glibc's `<malloc.h>`, which Swift's Glibc module does not export.
    private static let arenaMaxParameter: Int32 = -8

    /// Before the threads that allocate most exist; an operator's `MALLOC_ARENA_MAX` wins.
    /// Whether the limit was set.
    @discardableResult
    static func limit(environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        guard environment["MALLOC_ARENA_MAX"] == nil,
              let mallopt = function("mallopt", as: (@convention(c) (Int32, Int32) -> Int32).self) else { return false }
        return mallopt(arenaMaxParameter, Int32(max(1, ProcessInfo.processInfo.activeProcessorCount))) == 1
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
