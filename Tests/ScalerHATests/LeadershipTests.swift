import ScalerHA
import ScalerTestSupport
import Testing

/// Leadership as a pure function of the store's answers and this instance's own instants.
@Suite struct LeadershipRules {
    private typealias Instant = ManualClock.Instant
    private let terms = try! LeaseTerms(duration: .seconds(15))
    private let other = LeaseHolder(holder: "host-b/41/9f3a", epoch: 2)

    private func at(_ seconds: Double) -> Instant { Instant(offset: .milliseconds(Int64(seconds * 1000))) }

    private func leader(epoch: Int64 = 1, sentAt: Double = 0) -> Leadership<Instant> {
        var leadership = Leadership<Instant>(terms: terms, holder: "host-a/7/01c2")
        _ = leadership.claimed(.granted(epoch: epoch), sentAt: at(sentAt), at: at(sentAt + 0.1))
        return leadership
    }

    @Test func aGrantLetsTheHolderActUntilItsClaimWasSentPlusTheActingTime() {
        let leadership = leader(sentAt: 100)
        #expect(terms.actingTime == .seconds(10), "a third of a 15 s lease is kept as the margin")
        #expect(leadership.mayAct(at: at(109.999)))
        #expect(leadership.actingTimeLeft(at: at(105)) == .seconds(5), "a push started then must end within 5 s")
        #expect(!leadership.mayAct(at: at(110)), "10 s after the claim was sent, 5 s before anyone else may take over")
    }

    @Test func theFirstGrantIsReportedAndARenewalIsNot() {
        var leadership = Leadership<Instant>(terms: terms, holder: "host-a/7/01c2")
        #expect(leadership.claimed(.heldBy(other, remaining: .seconds(3)), sentAt: at(0), at: at(0)) == [.standingBy(leader: other)])
        #expect(leadership.claimed(.heldBy(other, remaining: .seconds(2)), sentAt: at(1), at: at(1)) == [], "the same leader is said once")
        #expect(leadership.claimed(.granted(epoch: 3), sentAt: at(4), at: at(4)) == [.acquired(epoch: 3, previous: other)])
        #expect(leadership.claimed(.granted(epoch: 3), sentAt: at(5), at: at(5)) == [], "a renewal changes nothing but the acting time")
        #expect(leadership.mayAct(at: at(14.9)))
    }

    @Test func aHolderPausedPastItsActingTimeIsFencedBeforeItDoesAnything() {
        var leadership = leader(sentAt: 0)
        // Woken at 40 s: the tick checks before it acts.
        #expect(leadership.check(at: at(40)) == [.fenced(epoch: 1, reason: "no renewal within the lease's acting time of 10.0 seconds (ran out 30.0 seconds ago)")])
        #expect(!leadership.mayAct(at: at(40)))
        // Then its claim finds another holder: the lease is lost, and it is a follower.
        let changes = leadership.claimed(.heldBy(other, remaining: .seconds(12)), sentAt: at(40), at: at(40.1))
        #expect(changes == [.lost(epoch: 1, to: other)])
        #expect(leadership.epoch == nil && leadership.otherHolder == other)
    }

    @Test func aStoreThatStopsAnsweringEndsLeadershipWhenTheActingTimeRunsOut() {
        var leadership = leader(sentAt: 0)
        #expect(leadership.claimFailed(at: at(5)) == [], "a failed renewal leaves the time already granted")
        #expect(leadership.mayAct(at: at(9)))
        #expect(leadership.claimFailed(at: at(10)).count == 1)
        #expect(!leadership.mayAct(at: at(10)))
    }

    @Test func aHolderFencedWhileItsLeaseLivedOnSaysSoWhenItActsAgain() {
        var leadership = leader(epoch: 2, sentAt: 0)
        #expect(leadership.claimFailed(at: at(10)).count == 1, "fenced: the store was away for the acting time")
        let changes = leadership.claimed(.granted(epoch: 2), sentAt: at(12), at: at(12.1))
        #expect(changes == [.acquired(epoch: 2, previous: nil)], "the same term, acting again")
        #expect(leadership.mayAct(at: at(13)))
    }

    @Test func anAnswerThatCameAfterTheActingTimeGrantsNothing() {
        var leadership = Leadership<Instant>(terms: terms, holder: "host-a/7/01c2")
        _ = leadership.claimed(.granted(epoch: 1), sentAt: at(0), at: at(11))
        #expect(!leadership.mayAct(at: at(11)))
        #expect(leadership.epoch == 1, "still the holder of record: the next renewal keeps the epoch")
    }

    @Test func beingToldAnotherHoldsTheLeaseStopsActingAtOnce() {
        var leadership = leader(sentAt: 0)
        let changes = leadership.claimed(.heldBy(other, remaining: .seconds(14)), sentAt: at(2), at: at(2))
        #expect(changes == [.fenced(epoch: 1, reason: "the store says host-b/41/9f3a (epoch 2) holds the lease"), .lost(epoch: 1, to: other)])
        #expect(!leadership.mayAct(at: at(2)))
    }

    @Test func retakingItsOwnLapsedLeaseIsANewTerm() {
        var leadership = leader(epoch: 4, sentAt: 0)
        _ = leadership.check(at: at(30))
        let changes = leadership.claimed(.granted(epoch: 5), sentAt: at(30), at: at(30))
        #expect(changes == [.acquired(epoch: 5, previous: LeaseHolder(holder: "host-a/7/01c2", epoch: 4))])
        #expect(leadership.mayAct(at: at(31)))
    }

    @Test func aReleaseEndsActingAndSaysWhichTerm() {
        var leadership = leader(epoch: 2)
        #expect(leadership.released() == [.released(epoch: 2)])
        #expect(!leadership.mayAct(at: at(1)))
        #expect(leadership.released() == [])
    }

    @Test func termsRefuseAMarginThatLeavesNoTimeToAct() {
        #expect(throws: LeaseTermsError.self) { try LeaseTerms(duration: .seconds(10), margin: .seconds(10)) }
        #expect(throws: LeaseTermsError.self) { try LeaseTerms(duration: .zero) }
    }
}
