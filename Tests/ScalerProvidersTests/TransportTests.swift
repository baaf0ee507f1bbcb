import Foundation
import Synchronization
import ScalerHTTP
import ScalerPorts
import ScalerTestSupport
import Testing

/// The shared transport's guarantees, against a live local server.
@Suite struct TransportGuarantees {
    private func transport(
        _ baseURL: String, _ adjust: (inout ProviderTransport.Settings) -> Void = { _ in }, limiter: RateLimiter? = nil,
        clock: any Clock<Duration> = WaitTimeClock()
    ) -> ProviderTransport {
        var settings = ProviderTransport.Settings()
        settings.retry = RetryPolicy(maxAttempts: 4, baseDelay: 0.05, maxDelay: 0.1, budget: 2)
        adjust(&settings)
        return ProviderTransport(client: sharedTestClient, baseURL: baseURL,
                                 headers: [("Authorization", "Bearer \(FakeRunPodREST.apiKey)")], secrets: [FakeRunPodREST.apiKey],
                                 limiter: limiter, settings: settings, clock: clock)
    }

    private let read = ProviderRequest(.get, "/v2/serverless/ep1")

    @Test func aRedirectIsNeverFollowedSoTheKeyStaysHome() async throws {
        let elsewhere = FakeProviderState(endpoints: ["ep1": FakeRunPodREST.endpoint(id: "ep1")])
        try await withFakeServer(FakeRunPodREST.router(elsewhere)) { otherHost in
            let state = FakeProviderState(endpoints: ["ep1": FakeRunPodREST.endpoint(id: "ep1")])
            try await withFakeServer(FakeRunPodREST.router(state)) { baseURL in
                await state.inject(.redirect(to: "\(otherHost)/v2/serverless/ep1"))
                let error = await failure { _ = try await transport(baseURL).send(read) }
                #expect(error?.kind == .rejected)
                #expect(error?.message.contains("redirects are not followed") == true)
                #expect(await elsewhere.requests.isEmpty, "the other host never saw the key")
            }
        }
    }

    /// A transport whose request timeouts, backoffs and call deadline all run on `clock`,
    /// retrying once after a 25 ms backoff.
    private func transport(_ baseURL: String, clock: ManualClock, requestTimeout: Double) -> ProviderTransport {
        var settings = ProviderTransport.Settings()
        settings.retry = RetryPolicy(maxAttempts: 2, baseDelay: 0.05, maxDelay: 0.1, budget: 2)
        settings.requestTimeout = requestTimeout
        return ProviderTransport(client: sharedTestClient, baseURL: baseURL, headers: [("Authorization", "Bearer \(FakeRunPodREST.apiKey)")],
                                 secrets: [FakeRunPodREST.apiKey], settings: settings, jitter: { 0.5 }, clock: clock)
    }

    /// A prompt 500, then a retry the provider holds unanswered, for a transport on `clock`: the
    /// clock passes the backoff, then the retry's own wait (the test's `retryWait`), and `send`'s
    /// error comes back.
    private func promptFailureThenUnansweredRetry(
        requestTimeout: Double, callSeconds: Double, pastBackoff: Duration, retryWait: Duration
    ) async throws -> ProviderError? {
        let state = FakeProviderState(endpoints: ["ep1": FakeRunPodREST.endpoint(id: "ep1")])
        let outcome = Mutex<ProviderError?>(nil)
        try await withFakeServer(FakeRunPodREST.router(state)) { baseURL in
            let held = HeldAnswers()
            defer { held.release() }
            await state.inject(.status(500, body: #"{"error":"internal"}"#), .unanswered(until: held))
            let clock = ManualClock()
            let sender = transport(baseURL, clock: clock, requestTimeout: requestTimeout)
            let read = read
            let call = Task { await failure { try await CallDeadline.within(seconds: callSeconds, clock: clock) { _ = try await sender.send(read) } } }
            // The backoff is the only wait shorter than a request's timeout.
            await clock.waitForSleepers(dueWithin: .milliseconds(25))
            clock.advance(by: pastBackoff)
            await clock.waitForSleepers(dueWithin: retryWait)
            clock.advance(by: retryWait)
            let error = await call.value
            outcome.withLock { $0 = error }
        }
        return outcome.withLock { $0 }
    }

    @Test func aRetryCutOffByTheCallsDeadlineReportsWhatTheProviderAnswered() async throws {
        // Past the backoff, 10 ms of the call's 20 s are left for the retry, and they run out.
        let error = try await promptFailureThenUnansweredRetry(
            requestTimeout: 5, callSeconds: 20, pastBackoff: .milliseconds(19_990), retryWait: .milliseconds(10)
        )
        #expect(error?.kind == .unavailable, "the provider failed; the deadline only ended the retry: \(String(describing: error))")
        #expect(error?.message.contains("answered 500") == true && error?.message.contains("ran into the call's deadline") == true)
    }

    @Test func aRetryThatTimesOutWithTimeLeftIsTheProvidersTimeout() async throws {
        let error = try await promptFailureThenUnansweredRetry(
            requestTimeout: 0.2, callSeconds: 30, pastBackoff: .milliseconds(100), retryWait: .milliseconds(200)
        )
        #expect(error?.kind == .timeout, "with most of the call's time left, an unanswered retry is the provider's timeout: \(String(describing: error))")
        #expect(error?.message == "GET /v2/serverless/ep1: no answer within 0.2s")
    }

    @Test func aRequestTimesOutOnTheTransportsClockAndNotBefore() async throws {
        let state = FakeProviderState(endpoints: ["ep1": FakeRunPodREST.endpoint(id: "ep1")])
        try await withFakeServer(FakeRunPodREST.router(state)) { baseURL in
            let held = HeldAnswers()
            defer { held.release() }
            await state.inject(.unanswered(until: held), .unanswered(until: held))
            let clock = ManualClock()
            let sender = transport(baseURL, clock: clock, requestTimeout: 1)
            let read = read
            let call = Task { await failure { _ = try await sender.send(read) } }
            await clock.waitForSleepers()
            clock.advance(by: .milliseconds(999))
            #expect(clock.sleeping == 1, "the request still waits for its answer")
            clock.advance(by: .milliseconds(1))
            // A timeout is transient: one retry after the backoff, which times out too.
            await clock.waitForSleepers(dueWithin: .milliseconds(25))
            clock.advance(by: .milliseconds(25))
            await clock.waitForSleepers(dueWithin: .seconds(1))
            clock.advance(by: .seconds(1))
            let error = await call.value
            #expect(error?.kind == .timeout)
            #expect(error?.message == "GET /v2/serverless/ep1: no answer within 1.0s")
        }
    }

    @Test func aHugeAnswerIsRefusedNotBuffered() async throws {
        let state = FakeProviderState(endpoints: [:])
        try await withFakeServer(FakeRunPodREST.router(state)) { baseURL in
            await state.inject(.malformed("[" + String(repeating: "1,", count: 10_000) + "1]"))
            let error = await failure { _ = try await transport(baseURL, { $0.maxResponseBytes = 4096 }).send(read) }
            #expect(error?.kind == .malformed)
            #expect(error?.message.contains("larger than 4096 bytes") == true)
        }
    }

    @Test func aRetryAfterBeyondTheBudgetGivesUpAtOnce() async throws {
        let state = FakeProviderState(endpoints: ["ep1": FakeRunPodREST.endpoint(id: "ep1")])
        try await withFakeServer(FakeRunPodREST.router(state)) { baseURL in
            await state.inject(.status(429, body: #"{"title":"Too Many Requests","status":429}"#, retryAfter: "30"))
            let clock = WaitTimeClock()
            let error = await failure { _ = try await transport(baseURL, clock: clock).send(read) }
            #expect(error?.kind == .rateLimited)
            #expect(error?.message.contains("asked to wait 30.0s") == true)
            #expect(clock.now.offset == .zero, "the tick is not held for 30 s: nothing waited at all")
        }
    }

    @Test func aRetryAfterIsRememberedAcrossCallsUntilItPasses() async throws {
        let state = FakeProviderState(endpoints: ["ep1": FakeRunPodREST.endpoint(id: "ep1")])
        try await withFakeServer(FakeRunPodREST.router(state)) { baseURL in
            let clock = TestClock(start: Date(timeIntervalSince1970: 1_800_000_000))
            let limiter = RateLimiter(requestsPerSecond: 100, now: { clock.now })
            let limited = ProviderTransport(
                client: sharedTestClient, baseURL: baseURL, headers: [("Authorization", "Bearer \(FakeRunPodREST.apiKey)")],
                secrets: [], limiter: limiter, now: { clock.now }
            )
            await state.inject(.status(429, body: #"{"title":"Too Many Requests","status":429}"#, retryAfter: "30"))
            #expect(await failure { _ = try await limited.send(read) }?.kind == .rateLimited)
            #expect(await limiter.heldUntil == clock.now.addingTimeInterval(30))
            clock.advance(29)
            let waiting = await failure { _ = try await limited.send(read) }
            #expect(waiting?.kind == .rateLimited)
            #expect(waiting?.message.contains("waiting until 2027-01-15T08:00:30Z") == true)
            #expect(await state.requests.count == 1, "nothing was sent while the provider's wait ran")
            clock.advance(1)
            _ = try await limited.send(read)
            #expect(await state.requests.count == 2)
        }
    }

    @Test func aRequestThatIsNotIdempotentIsNotSentAgainAfterAnAmbiguousFailure() async throws {
        let state = FakeProviderState(endpoints: ["ep1": FakeRunPodREST.endpoint(id: "ep1")])
        try await withFakeServer(FakeRunPodREST.router(state)) { baseURL in
            let create = ProviderRequest(.get, "/v2/serverless/ep1", idempotent: false)
            await state.inject(.status(502, body: "bad gateway"))
            let error = await failure { _ = try await transport(baseURL).send(create) }
            #expect(error?.kind == .unavailable)
            #expect(error?.message.contains("may have carried it out") == true)
            #expect(await state.requests.count == 1)
            await state.inject(.status(429, body: "{}", retryAfter: "0"))
            _ = try await transport(baseURL).send(create)
            #expect(await state.requests.count == 3, "a 429 means nothing was done: that one is sent again")
        }
    }

    @Test func aKeyCarriedInTheQueryNeverAppearsInAMessage() async throws {
        let secret = "rpa_query_secret_123"
        var settings = ProviderTransport.Settings()
        settings.requestTimeout = 0.3
        settings.retry = RetryPolicy(maxAttempts: 1, budget: 0.3)
        let unreachable = ProviderTransport(
            client: sharedTestClient, baseURL: "http://127.0.0.1:1", headers: [], authQuery: [URLQueryItem(name: "api_key", value: secret)],
            secrets: [], settings: settings
        )
        let error = await failure { _ = try await unreachable.send(read) }
        #expect(error?.kind == .network || error?.kind == .timeout)
        #expect(error?.message.contains(secret) == false)
    }

    @Test func theRateLimitSpacesRequests() async throws {
        let state = FakeProviderState(endpoints: ["ep1": FakeRunPodREST.endpoint(id: "ep1")])
        try await withFakeServer(FakeRunPodREST.router(state)) { baseURL in
            let clock = ManualClock()
            let limiter = RateLimiter(requestsPerSecond: 10, clock: clock)
            let limited = ProviderTransport(
                client: sharedTestClient, baseURL: baseURL, headers: [("Authorization", "Bearer \(FakeRunPodREST.apiKey)")],
                secrets: [], limiter: limiter, clock: clock
            )
            let sends = Task { for _ in 0..<5 { _ = try await limited.send(read) } }
            // Ten a second: the first goes at once, then one each 100 ms of the limiter's clock.
            for sent in 1...4 {
                await clock.waitForSleepers(dueWithin: .milliseconds(100))
                #expect(await state.requests.count == sent)
                clock.advance(by: .milliseconds(100))
            }
            try await sends.value
            #expect(await state.requests.count == 5)
        }
    }

    @Test func everyAttemptIsReportedToTheObserver() async throws {
        let state = FakeProviderState(endpoints: ["ep1": FakeRunPodREST.endpoint(id: "ep1")])
        try await withFakeServer(FakeRunPodREST.router(state)) { baseURL in
            await state.inject(.status(500, body: "{}"))
            let seen = Mutex<[Int?]>([])
            var settings = ProviderTransport.Settings()
            settings.retry = RetryPolicy(maxAttempts: 3, baseDelay: 0.01, maxDelay: 0.02, budget: 2)
            let observed = ProviderTransport(
                client: sharedTestClient, baseURL: baseURL, headers: [("Authorization", "Bearer \(FakeRunPodREST.apiKey)")],
                secrets: [], settings: settings, clock: WaitTimeClock(), observer: { _, status in seen.withLock { $0.append(status) } }
            )
            _ = try await observed.send(read)
            #expect(seen.withLock { $0 } == [500, 200])
        }
    }

    @Test func backoffIsCappedAndJittered() {
        let policy = RetryPolicy(maxAttempts: 10, baseDelay: 0.2, maxDelay: 2, budget: 10)
        #expect(policy.backoff(retry: 1, unit: 0.999) < 0.2)
        #expect(policy.backoff(retry: 3, unit: 0.5) == 0.4)
        #expect(policy.backoff(retry: 9, unit: 0.999) < 2)
        #expect(policy.backoff(retry: 9, unit: 0) == 0)
    }

    @Test func retryAfterReadsSecondsAndHTTPDates() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(RetryPolicy.retryAfter("3", now: now) == 3)
        #expect(RetryPolicy.retryAfter("Fri, 15 Jan 2027 08:00:05 GMT", now: now) == 5)
        #expect(RetryPolicy.retryAfter("soon", now: now) == nil)
        #expect(RetryPolicy.retryAfter("-4", now: now) == nil)
    }

    @Test func jsonPointersFollowRFC6901() throws {
        let document: JSON = ["a/b": ["m~n": [10, 20]], "jobs": ["inQueue": 3]]
        #expect(JSONPointer("/jobs/inQueue")?.resolve(in: document) == 3)
        #expect(JSONPointer("/a~1b/m~0n/1")?.resolve(in: document) == 20)
        #expect(JSONPointer("/jobs/missing")?.resolve(in: document) == nil)
        #expect(JSONPointer("jobs") == nil)
    }
}
