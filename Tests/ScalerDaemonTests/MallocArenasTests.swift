import Testing
@testable import ScalerDaemon

@Suite struct MallocArenasLimit {
    #if os(Linux)
    @Test func glibcTakesTheArenaLimit() {
        #expect(MallocArenas.limit(environment: [:]), "mallopt found and M_ARENA_MAX accepted")
    }
    #endif

    @Test func anOperatorsMallocArenaMaxIsLeftAlone() {
        #expect(!MallocArenas.limit(environment: ["MALLOC_ARENA_MAX": "4"]))
    }
}
