import Foundation
import GRDB
import ScalerCore
import ScalerJournal
import Testing

private func event(
    _ kind: DaemonEvent.Kind, at seconds: Double, pid: Int = 100, reason: String = "test", detail: String = "{}", instance: String? = nil
) -> DaemonEvent {
    DaemonEvent(at: Date(timeIntervalSince1970: seconds), event: kind, pid: pid, version: "0.14.0", configVersion: "cfg", tick: 5, reason: reason,
                detail: detail, instance: instance)
}

private func date(_ seconds: Double) -> Date { Date(timeIntervalSince1970: seconds) }

@Suite struct ControlledTimeFromEvents {
    @Test func aStopUntilTheNextStartIsAGapAndTheRunsAroundItAreControlled() {
        let events = [event(.start, at: 1_000), event(.stop, at: 1_030, reason: "graceful stop"), event(.start, at: 4_630)]
        let controlled = ControlledTime(events: events, lastEvaluation: date(4_700), now: date(4_702))
        #expect(controlled.gaps == [ControlledTime.Gap(from: date(1_030), until: date(4_630), cause: .stopped(reason: "graceful stop"))])
        #expect(controlled.uncontrolled(from: date(1_000), to: date(4_702)) == 3_600)
        #expect(controlled.uncontrolled(from: date(2_000), to: date(3_000)) == 1_000)
        #expect(controlled.controlled(from: date(1_000), to: date(4_702)).map { [$0.from, $0.to] } == [[date(1_000), date(1_030)], [date(4_630), date(4_702)]])
        #expect(controlled.gap(at: date(1_029)) == nil)
        #expect(controlled.gap(at: date(1_030))?.until == date(4_630))
        #expect(controlled.gap(at: date(4_630)) == nil)
    }

    @Test func anUncleanEndIsAGapFromTheLastEvaluationItNames() {
        let unclean = DaemonEvent.UncleanEnd(pid: 100, runStarted: date(1_000), lastEvaluation: date(1_020))
        let events = [event(.start, at: 1_000), event(.uncleanEnd, at: 2_000, detail: unclean.detail), event(.start, at: 2_000, pid: 200)]
        let controlled = ControlledTime(events: events, lastEvaluation: date(2_010), now: date(2_011))
        #expect(controlled.gaps == [ControlledTime.Gap(from: date(1_020), until: date(2_000), cause: .endedWithoutStop)])
    }

    @Test func aStandbyStretchIsNotControlledByThisInstanceUntilItLeadsAndEndsAtAStop() {
        func leadership(_ change: LeadershipDetail.Change, at seconds: Double, reason: String) -> DaemonEvent {
            event(.leadership, at: seconds, reason: reason, detail: LeadershipDetail(change: change, group: "scalerd", epoch: 3).detail)
        }
        let events = [
            event(.start, at: 1_000),
            leadership(.standingBy, at: 1_001, reason: "standing by in scalerd: host-a/7/01 (epoch 3) leads"),
            leadership(.acquired, at: 1_100, reason: "leading scalerd in epoch 4"),
            leadership(.fenced, at: 1_200, reason: "stopped acting in epoch 4"),
            leadership(.lost, at: 1_201, reason: "lost the lease"),
            event(.stop, at: 1_300, reason: "graceful stop"),
        ]
        let controlled = ControlledTime(events: events, lastEvaluation: date(1_299), now: date(1_400))
        #expect(controlled.gaps == [
            ControlledTime.Gap(from: date(1_001), until: date(1_100), cause: .standby(reason: "standing by in scalerd: host-a/7/01 (epoch 3) leads")),
            ControlledTime.Gap(from: date(1_200), until: date(1_300), cause: .standby(reason: "stopped acting in epoch 4")),
            ControlledTime.Gap(from: date(1_300), until: nil, cause: .stopped(reason: "graceful stop")),
        ])
        #expect(controlled.uncontrolled(from: date(1_000), to: date(1_300)) == 199, "the stretches it stood by, not the one it led")
        let text = InstantExplanation.text(at: date(1_050), inForce: [], gap: controlled.gap(at: date(1_050)), events: events, endpoint: nil)
        #expect(text.hasPrefix("At 1970-01-01T00:17:30.000Z this instance was standing by since 1970-01-01T00:16:41.000Z"))
        #expect(text.contains("none of its decisions was pushed"))
    }

    @Test func aRunThatStopsDecidingForThreeTicksIsSilentUpToNow() {
        let events = [event(.start, at: 1_000)]
        let live = ControlledTime(events: events, lastEvaluation: date(1_100), now: date(1_100 + ControlledTime.silence(tick: 5)))
        #expect(live.gaps.isEmpty, "a run deciding on time is controlled")
        let silent = ControlledTime(events: events, lastEvaluation: date(1_100), now: date(2_000))
        #expect(silent.gaps == [ControlledTime.Gap(from: date(1_100), until: nil, cause: .silent)])
        #expect(silent.uncontrolled(from: date(1_000), to: date(2_000)) == 900)
    }

    @Test func aStopNotYetFollowedByAStartIsAGapUpToNow() {
        let controlled = ControlledTime(events: [event(.start, at: 1_000), event(.reload, at: 1_010), event(.stop, at: 1_020)], lastEvaluation: date(1_019), now: date(5_000))
        #expect(controlled.gaps.count == 1)
        #expect(controlled.gaps[0].from == date(1_020) && controlled.gaps[0].until == nil)
        #expect(controlled.uncontrolled(from: date(1_000), to: date(5_000)) == 3_980)
        #expect(controlled.gap(between: date(1_019), and: date(6_000))?.from == date(1_020))
        #expect(controlled.gap(between: date(1_000), and: date(1_019)) == nil)
    }
}

/// A journal a group shares: nobody decides only while no instance does.
@Suite struct ControlledTimeOfAGroup {
    private func leadership(_ change: LeadershipDetail.Change, at seconds: Double, instance: String) -> DaemonEvent {
        event(.leadership, at: seconds, detail: LeadershipDetail(change: change, group: "g", epoch: 1).detail, instance: instance)
    }

    @Test func aStandbyBesideALeaderIsNoGapAndAStretchWithNoLeaderIs() throws {
        let events = [
            event(.start, at: 100, instance: "a"), leadership(.acquired, at: 101, instance: "a"),
            event(.start, at: 110, instance: "b"), leadership(.standingBy, at: 111, instance: "b"),
            event(.stop, at: 200, instance: "a"), leadership(.acquired, at: 215, instance: "b"),
        ]
        let controlled = ControlledTime(events: events, lastEvaluation: date(290), now: date(300))
        #expect(controlled.gap(at: date(150)) == nil, "b stood by while a led: the group decided")
        let gap = try #require(controlled.gap(at: date(205)))
        #expect(gap.from == date(200) && gap.until == date(215), "\(gap)")
        #expect(gap.cause == .stopped(reason: "test"), "the cause of the last instance to stop deciding")
        #expect(controlled.gap(at: date(250)) == nil)
        #expect(controlled.gap(at: date(50)) == nil, "before the group's first event, as a journal without events")
    }

    /// `ha.shards: 2`: "chat" is in shard 1, "embed" in shard 0 (FNV-1a of the name, mod 2).
    private func shard(_ change: LeadershipDetail.Change, _ shard: Int, at seconds: Double, instance: String) -> DaemonEvent {
        var detail = LeadershipDetail(change: change, group: "g", epoch: 1)
        (detail.shard, detail.shards) = (shard, 2)
        return event(.leadership, at: seconds, detail: detail.detail, instance: instance)
    }

    @Test func withShardsAnEndpointIsUncontrolledWhileItsShardHasNoLeaderThoughAnotherShardHasOne() throws {
        #expect(Shards(group: "g", count: 2).shard(of: "chat") == 1 && Shards(group: "g", count: 2).shard(of: "embed") == 0)
        let events = [
            event(.start, at: 100, instance: "a"), shard(.acquired, 0, at: 101, instance: "a"), shard(.acquired, 1, at: 101, instance: "a"),
            event(.start, at: 110, instance: "b"), shard(.released, 1, at: 120, instance: "a"), shard(.acquired, 1, at: 121, instance: "b"),
            // b dies at 150 (its last evaluation); a takes shard 1 once its lease ran out.
            event(.uncleanEnd, at: 300, detail: DaemonEvent.UncleanEnd(pid: 2, runStarted: date(110), lastEvaluation: date(150)).detail, instance: "b"),
            shard(.acquired, 1, at: 166, instance: "a"),
        ]
        let group = ControlledTime(events: events, lastEvaluation: date(290), now: date(300))
        #expect(group.gaps.isEmpty, "some instance led some shard throughout: \(group.gaps)")
        let chat = ControlledTime(events: events, lastEvaluation: date(290), now: date(300), endpoint: "chat")
        let gap = try #require(chat.gap(at: date(160)), "chat's shard had no leader from b's end to a's take-over")
        #expect(gap.from == date(150) && gap.until == date(166), "\(gap)")
        #expect(chat.gap(at: date(120.5)) == nil, "a let shard 1 go a second before b took it, and b was deciding since its start")
        let embed = ControlledTime(events: events, lastEvaluation: date(290), now: date(300), endpoint: "embed")
        #expect(embed.gaps.isEmpty, "a led embed's shard throughout: \(embed.gaps)")
    }

    @Test func anInstanceStartingLaterDoesNotFillTheGapBeforeIt() {
        let events = [event(.start, at: 100, instance: "a"), event(.stop, at: 120, instance: "a"), event(.start, at: 150, instance: "b")]
        let controlled = ControlledTime(events: events, lastEvaluation: date(155), now: date(160))
        let gap = controlled.gap(at: date(130))
        #expect(gap?.from == date(120) && gap?.until == date(150), "\(String(describing: gap))")
    }
}

@Suite struct StatsAcrossAStop {
    @Test func noWorkerSecondsAreDecidedWhileNobodyDecides() {
        // 4 replicas decided at 1000, the daemon stopped at 1030 and is still stopped at 4630.
        let rows = [entry(at: 1_000, desired: 4)]
        let controlled = ControlledTime(events: [event(.start, at: 990), event(.stop, at: 1_030)], lastEvaluation: date(1_000), now: date(4_630))
        let stats = EndpointStats.compute(rows, from: nil, to: date(4_630), controlled: controlled)
        #expect(stats.count == 1)
        #expect(stats[0].workerSeconds == 120)
        #expect(stats[0].secondsAtReplicas == [4: 30])
        #expect(stats[0].notRunning == 3_600)
        let unaware = EndpointStats.compute(rows, from: nil, to: date(4_630))
        #expect(unaware[0].workerSeconds == 4 * 3_630, "without lifecycle records the old reading stands")
    }
}

@Suite(.postgres) struct LifecycleRecords {
    @Test(arguments: JournalBackend.allCases)
    func startsReloadsAndStopsAreChainedAndTamperingIsNamed(_ backend: JournalBackend) async throws {
        try await withJournal(backend) { journal in
            try await journal.store.append(entry(at: 1_001))
            try await journal.store.record(event(.start, at: 1_000))
            try await journal.store.record(event(.reload, at: 1_010))
            try await journal.store.record(event(.stop, at: 1_020, detail: DaemonEvent.StopDetail(endpoints: [
                HandBackRecord(endpoint: "chat", onStop: .release, action: .released, pushedMinReplicas: 1, outcome: .ok),
            ]).detail))
            let reader = try await journal.reader()
            let verified = try await reader.verify()
            #expect(verified.problem == nil && verified.eventsChecked == 3 && verified.rowsChecked == 1)
            let stop = try #require(try await reader.daemonEvents().last)
            #expect(DaemonEvent.StopDetail(detail: stop.detail)?.endpoints.first?.summary == "chat released to 1 (ok)")

            #expect(try await journal.rawWriteError("UPDATE daemon_event SET reason = 'x'")?.contains("append-only") == true)
            #expect(try await journal.rawWriteError("DELETE FROM daemon_event WHERE id = 3")?.contains("append-only") == true)
            // Behind the rules' back: a stop made to look like a crash is seen.
            try await journal.tamper("UPDATE daemon_event SET event = 'unclean_end' WHERE id = 3")
            let broken = try await journal.verify()
            #expect(broken.problem?.inDaemonEvents == true && broken.problem?.rowID == 3 && broken.problem?.kind == .changed)
        }
    }

    @Test(arguments: JournalBackend.allCases)
    func aRemovedNewestEventIsSeen(_ backend: JournalBackend) async throws {
        try await withJournal(backend) { journal in
            try await journal.store.record(event(.start, at: 1_000))
            try await journal.store.record(event(.stop, at: 1_020))
            try await journal.tamper("DELETE FROM daemon_event WHERE id = 2")
            let broken = try await journal.verify()
            #expect(broken.problem?.kind == .removed && broken.problem?.inDaemonEvents == true, "a deleted stop cannot pass for a run still going")
        }
    }

    @Test(arguments: JournalBackend.allCases)
    func thePreviousRunIsStoppedEndedWithoutAStopOrUnknown(_ backend: JournalBackend) async throws {
        try await withJournal(backend) { journal in
            let store = journal.store
            #expect(try await store.previousRun() == nil, "an empty journal has no previous run")

            try await store.append(entry(at: 900))
            let legacy = try #require(try await store.previousRun())
            #expect(legacy.ending == .endedWithoutStop && legacy.endedAt == date(900) && legacy.pid == nil, "decisions from before lifecycle records")

            try await store.record(event(.start, at: 1_000, pid: 7))
            try await store.append(entry(at: 1_005))
            let crashed = try #require(try await store.previousRun())
            #expect(crashed.ending == .endedWithoutStop && crashed.pid == 7 && crashed.startedAt == date(1_000) && crashed.endedAt == date(1_005))

            try await store.record(event(.reload, at: 1_010, pid: 7))
            try await store.record(event(.stop, at: 1_020, pid: 7, reason: "graceful stop"))
            let stopped = try #require(try await store.previousRun())
            #expect(stopped == PreviousRun(pid: 7, startedAt: date(1_000), endedAt: date(1_020), ending: .stopped, reason: "graceful stop"))
        }
    }

    @Test(arguments: JournalBackend.allCases)
    func theDecisionInForceAtAnInstantIsEachEndpointsNewestByThen(_ backend: JournalBackend) async throws {
        try await withJournal(backend) { journal in
            try await journal.store.append([entry(endpoint: "a", at: 1_000, desired: 1), entry(endpoint: "b", at: 1_000, desired: 2)])
            try await journal.store.append([entry(endpoint: "a", at: 1_010, desired: 3)])
            let reader = try await journal.reader()
            #expect(try await reader.decisionsInForce(at: date(1_005)).map(\.desired) == [1, 2])
            #expect(try await reader.decisionsInForce(at: date(1_010)).map(\.desired) == [3, 2])
            #expect(try await reader.decisionsInForce(at: date(1_010), endpoint: "b").map(\.desired) == [2])
            #expect(try await reader.decisionsInForce(at: date(999)).isEmpty)
        }
    }

    @Test(arguments: JournalBackend.allCases)
    func controlledTimeIsReadFromTheEventsAndTheNewestEvaluation(_ backend: JournalBackend) async throws {
        try await withJournal(backend) { journal in
            #expect(try await journal.reader().controlledTime(now: date(2_000)).gaps.isEmpty, "a journal without events is always controlled")
            try await journal.store.record(event(.start, at: 1_000, pid: 7))
            try await journal.store.append([entry(at: 1_005), entry(endpoint: "b", at: 1_010)])
            try await journal.store.record(event(.stop, at: 1_020, pid: 7))
            try await journal.store.record(event(.start, at: 1_500, pid: 8))
            try await journal.store.append([entry(at: 1_505)])
            let controlled = try await journal.reader().controlledTime(now: date(1_510))
            let gap = try #require(controlled.gap(at: date(1_200)))
            #expect(gap.from == date(1_020) && gap.until == date(1_500), "\(gap)")
            #expect(controlled.gap(at: date(1_507)) == nil, "decided again since the start")
        }
    }
}

@Suite(.postgres) struct PausesStatesAndPoolEvents {
    @Test(arguments: JournalBackend.allCases)
    func theLatestPauseOfEachEndpointIsKept(_ backend: JournalBackend) async throws {
        try await withJournal(backend) { journal in
            try await journal.store.recordPause(endpoint: "a", paused: true, at: date(1))
            try await journal.store.recordPause(endpoint: "b", paused: true, at: date(2))
            try await journal.store.recordPause(endpoint: "a", paused: false, at: date(3))
            #expect(try await journal.reopened().pausedEndpoints() == ["b"])
        }
    }

    @Test(arguments: JournalBackend.allCases)
    func savedStatesAreReplacedAndReadBackWithTheTick(_ backend: JournalBackend) async throws {
        try await withJournal(backend) { journal in
            var state = ScalerState()
            state.lastDecisionAt = date(10)
            try await journal.store.append([entry(at: 10)], states: [EndpointState(endpoint: "chat", policyVersion: "v1", savedAt: date(10), state: state)])
            state.lastDecisionAt = date(20)
            try await journal.store.append([entry(at: 20)], states: [
                EndpointState(endpoint: "chat", policyVersion: "v2", savedAt: date(20), state: state),
                EndpointState(endpoint: "embed", policyVersion: "v1", savedAt: date(20), state: state),
            ])
            let saved = try await journal.reopened().endpointStates().sorted { $0.endpoint < $1.endpoint }
            #expect(saved.map(\.endpoint) == ["chat", "embed"])
            #expect(saved.first?.policyVersion == "v2" && saved.first?.state.lastDecisionAt == date(20))
        }
    }

    @Test(arguments: JournalBackend.allCases)
    func poolEventsComeBackSinceAnInstantAndAPruneTakesOnlyOlderOnes(_ backend: JournalBackend) async throws {
        try await withJournal(backend) { journal in
            let created = PoolEventRecord(at: date(100), pool: "gpugeek/chat", event: .createSent, instanceName: "scalerd-chat-1", ambiguous: true, detail: "lost answer")
            try await journal.store.recordPoolEvent(created)
            try await journal.store.recordPoolEvent(PoolEventRecord(at: date(200), pool: "gpugeek/chat", event: .created, instanceName: "scalerd-chat-1", instanceID: "i-1", operationID: "op-1"))
            let all = try await journal.store.poolEvents(since: date(0))
            #expect(all.map(\.event) == [.createSent, .created])
            var expected = created
            expected.id = all.first?.id
            #expect(all.first == expected)
            #expect(try await journal.store.poolEvents(since: date(150)).map(\.instanceID) == ["i-1"])
            #expect(try await journal.rawWriteError("UPDATE pool_event SET detail = 'x'")?.contains("append-only") == true)
            #expect(try await journal.rawWriteError("DELETE FROM pool_event")?.contains("append-only") == true)
            try await journal.store.append(entry(at: 120))
            try await journal.store.prune(before: date(150), reason: "test", at: date(300))
            #expect(try await journal.store.poolEvents(since: date(0)).map(\.event) == [.created])
        }
    }

    @Test(arguments: JournalBackend.allCases)
    func aPolicyVersionIsRecordedOnce(_ backend: JournalBackend) async throws {
        try await withJournal(backend) { journal in
            try await journal.store.recordPolicyVersions([
                PolicyVersionRecord(version: "v1", endpoint: "chat", configJSON: "{\"a\":1}"),
                PolicyVersionRecord(version: "v2", endpoint: "embed", configJSON: "{}"),
            ], at: date(1))
            try await journal.store.recordPolicyVersion("v1", endpoint: "chat", configJSON: "{\"a\":2}", at: date(2))
            let rows = try await journal.rawRows("SELECT version, config FROM policy_version ORDER BY version")
            #expect(rows.map { $0["config"] as String } == ["{\"a\":1}", "{}"])
        }
    }
}

@Suite struct Timeline {
    @Test func theListShowsTheStopAndTheStretchWithoutADaemonBetweenDecisions() {
        let rows = [entry(at: 1_000, desired: 4), entry(at: 4_640, desired: 1)]
        let events = [event(.start, at: 990), event(.stop, at: 1_030, reason: "graceful stop"), event(.start, at: 4_630)]
        let controlled = ControlledTime(events: events, lastEvaluation: date(4_640), now: date(4_641))
        let lines = TimelineLine.merge(rows, events: events, controlled: controlled, from: nil, to: date(4_641))
        let kinds = lines.map { line -> String in
            switch line {
            case .decision(let entry): "decision \(entry.desired)"
            case .event(let event): event.event.rawValue
            case .notControlled: "gap"
            }
        }
        #expect(kinds == ["decision 4", "stop", "gap", "start", "decision 1"], "the start before the first row shown is left out")
        let table = JournalFormatter.render(lines, as: .table)
        #expect(table.contains("not controlled") && table.contains("nobody decided (until 1970-01-01T01:17:10.000Z, 1h)"), "\(table)")
        #expect(table.contains("daemon stop") && table.contains("graceful stop"))
        #expect(!JournalFormatter.render(lines, as: .jsonl).contains("graceful"), "tools get decisions only")
    }

    @Test func anInstantInAGapIsExplainedAsNotControlledWithWhatTheProviderWasLeftWith() {
        let stop = event(.stop, at: 1_030, reason: "graceful stop", detail: DaemonEvent.StopDetail(endpoints: [
            HandBackRecord(endpoint: "chat", onStop: .release, action: .released, pushedMinReplicas: 1, outcome: .error, errorKind: .timeout, detail: "no answer"),
        ]).detail)
        let controlled = ControlledTime(events: [event(.start, at: 990), stop, event(.start, at: 4_630)], lastEvaluation: date(4_640), now: date(4_641))
        let text = InstantExplanation.text(at: date(2_000), inForce: [entry(at: 1_000, desired: 4)], gap: controlled.gap(at: date(2_000)), events: [stop], endpoint: nil)
        #expect(text.contains("nobody was deciding: scalerd stopped at 1970-01-01T00:17:10.000Z (graceful stop) until the next start at"), "\(text)")
        #expect(text.contains("chat: the last decision before was"), "\(text)")
        #expect(text.contains("min_replicas 1 pushed but the provider did not take it (timeout)"), "\(text)")
        let controlledText = InstantExplanation.text(at: date(1_010), inForce: [entry(at: 1_000, desired: 4)], gap: nil, events: [], endpoint: nil)
        #expect(controlledText.hasPrefix("At 1970-01-01T00:16:50.000Z, chat was under decision"), "\(controlledText)")
    }
}
