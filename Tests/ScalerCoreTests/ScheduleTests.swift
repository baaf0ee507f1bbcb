import Foundation
import ScalerCore
import Testing

@Suite struct Schedules {
    private let weekdays = ScheduleWindow(name: "office", weekdays: Set(1...5), startMinute: 9 * 60, endMinute: 18 * 60,
                                          timeZoneIdentifier: "Asia/Shanghai", minReplicas: 2)

    func date(_ iso: String) -> Date { try! Date(iso, strategy: .iso8601) }

    @Test func aWindowIsOpenInItsOwnTimeZone() {
        // Monday 2026-11-23 09:30 in Shanghai is 01:30 UTC.
        #expect(weekdays.isOpen(at: date("2026-11-23T01:30:00Z")))
        #expect(!weekdays.isOpen(at: date("2026-11-23T00:59:00Z")), "08:59 local")
        #expect(!weekdays.isOpen(at: date("2026-11-23T10:00:00Z")), "18:00 local: the end is exclusive")
        #expect(!weekdays.isOpen(at: date("2026-11-22T01:30:00Z")), "Sunday")
    }

    @Test func aWindowEndingBeforeItStartsClosesTheNextDay() {
        let night = ScheduleWindow(name: "night", weekdays: [5], startMinute: 22 * 60, endMinute: 6 * 60, timeZoneIdentifier: "UTC", maxReplicas: 1)
        #expect(night.isOpen(at: date("2026-11-27T23:00:00Z")), "Friday 23:00")
        #expect(night.isOpen(at: date("2026-11-28T05:59:00Z")), "Saturday 05:59 belongs to Friday's window")
        #expect(!night.isOpen(at: date("2026-11-28T22:30:00Z")), "Saturday's own night is not scheduled")
    }

    @Test func nineOClockStaysNineOClockAcrossADaylightSavingChange() {
        let morning = ScheduleWindow(name: "m", startMinute: 9 * 60, endMinute: 10 * 60, timeZoneIdentifier: "America/New_York", minReplicas: 1)
        // New York moves from EST (UTC-5) to EDT (UTC-4) on 2026-03-08.
        #expect(morning.isOpen(at: date("2026-03-07T14:30:00Z")))
        #expect(!morning.isOpen(at: date("2026-03-09T14:30:00Z")), "10:30 EDT")
        #expect(morning.isOpen(at: date("2026-03-09T13:30:00Z")), "09:30 EDT")
    }

    func decide(_ policy: ScalingPolicy, load: Int, current: Int, at instant: Date) -> Decision {
        let sample = MetricSample(takenAt: instant, queueDelay: 0, queued: 0, inFlight: load, readyWorkers: current)
        let state = ScalerState(observingSince: instant.addingTimeInterval(-3_600))
        return Autoscaler.decide(state: state, observation: Observation(metrics: .sample(sample), currentReplicas: current), policy: policy, now: instant)
    }

    @Test func anOpenWindowRaisesTheMinimumAndSaysWhich() {
        var policy = concurrencyPolicy(perWorker: 1, max: 10, idle: 1, down: .init(stabilization: 0))
        policy.schedules = [weekdays]
        let open = decide(policy, load: 0, current: 0, at: date("2026-11-23T02:00:00Z"))
        #expect(open.desiredReplicas == 2)
        #expect(open.clamps.last?.kind == .schedule)
        #expect(open.clamps.last?.detail == "schedule office (09:00-18:00 Asia/Shanghai) keeps at least 2")
        #expect(decide(policy, load: 0, current: 0, at: date("2026-11-23T12:00:00Z")).desiredReplicas == 0)
    }

    @Test func overlappingWindowsTakeTheHighestMinimumAndTheLowestMaximum() {
        var policy = concurrencyPolicy(perWorker: 1, max: 20, idle: 1, down: .init(stabilization: 0))
        policy.schedules = [
            ScheduleWindow(name: "a", startMinute: 0, endMinute: 1_440, timeZoneIdentifier: "UTC", minReplicas: 2, maxReplicas: 12),
            ScheduleWindow(name: "b", startMinute: 0, endMinute: 1_440, timeZoneIdentifier: "UTC", minReplicas: 4, maxReplicas: 8),
        ]
        let instant = date("2026-11-23T12:00:00Z")
        #expect(decide(policy, load: 0, current: 0, at: instant).desiredReplicas == 4)
        #expect(decide(policy, load: 15, current: 4, at: instant).desiredReplicas == 8)
    }

    @Test func whenWindowsCrossTheMaximumWins() {
        var policy = concurrencyPolicy(perWorker: 1, max: 20, idle: 1)
        policy.schedules = [
            ScheduleWindow(name: "warm", startMinute: 0, endMinute: 1_440, timeZoneIdentifier: "UTC", minReplicas: 6),
            ScheduleWindow(name: "cheap", startMinute: 0, endMinute: 1_440, timeZoneIdentifier: "UTC", maxReplicas: 3),
        ]
        let decision = decide(policy, load: 0, current: 0, at: date("2026-11-23T12:00:00Z"))
        #expect(decision.desiredReplicas == 3)
    }
}

extension Schedules {
    @Test func theCeilingInForceIsHandedOnForTheProvidersMaximum() {
        var policy = concurrencyPolicy(perWorker: 1, max: 20, idle: 1)
        policy.schedules = [ScheduleWindow(name: "night", startMinute: 0, endMinute: 1_440, timeZoneIdentifier: "UTC", maxReplicas: 3)]
        #expect(decide(policy, load: 1, current: 1, at: date("2026-11-23T12:00:00Z")).ceiling == 3)
        policy.schedules = nil
        #expect(decide(policy, load: 1, current: 1, at: date("2026-11-23T12:00:00Z")).ceiling == 20)
    }
}
