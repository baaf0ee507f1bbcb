import Testing
@testable import ScalerDaemon

@Suite struct MallocTuningSettings {
    #if os(Linux)
    @Test func glibcTakesTheArenaLimitAndAFixedMmapThreshold() {
        #expect(MallocTuning.apply(environment: [:]) == .init(arenaMax: true, mmapThreshold: true), "mallopt found and both accepted")
    }

    @Test func anOperatorsOwnMallocSettingsAreLeftAlone() {
        #expect(MallocTuning.apply(environment: ["MALLOC_ARENA_MAX": "4"]) == .init(arenaMax: false, mmapThreshold: true))
        #expect(MallocTuning.apply(environment: ["MALLOC_MMAP_THRESHOLD_": "65536"]) == .init(arenaMax: true, mmapThreshold: false))
        #expect(MallocTuning.apply(environment: ["GLIBC_TUNABLES": "glibc.malloc.arena_max=2:glibc.malloc.mmap_threshold=1048576"]) == .init())
    }
    #endif
}
