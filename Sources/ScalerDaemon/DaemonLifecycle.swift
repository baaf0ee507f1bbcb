import Foundation
import Logging
import ScalerConfig
import ScalerJournal

/// scalerd's version, in the journal's start records and `scalerd --version`.
public enum ScalerdVersion {
    public static let current = "0.14.0"
}

/// Records a daemon's life in the journal: its start (after saying whether the run before it
/// ended without a stop, and since when nothing is known), each applied reload, and its stop.
struct DaemonLifecycle: Sendable {
    let journal: any JournalStore
    let pid: Int
    let clock: @Sendable () -> Date
    let logger: Logger
    /// How this instance names itself in a journal its group shares; nil in a journal of its own.
    let instance: String?

    init(journal: any JournalStore, pid: Int, clock: @escaping @Sendable () -> Date, logger: Logger, configPath: String) {
        self.journal = journal
        self.pid = pid
        self.clock = clock
        self.logger = logger
        instance = journal.isShared ? Self.instanceName(host: ProcessInfo.processInfo.hostName, configPath: configPath) : nil
    }

    /// The host and the config file: what a restarted instance has in common with its last run,
    /// and two instances on one host do not.
    static func instanceName(host: String, configPath: String) -> String {
        let absolute = configPath.hasPrefix("/") ? configPath : FileManager.default.currentDirectoryPath + "/" + configPath
        return "\(host):\((absolute as NSString).standardizingPath)"
    }

    /// Journals the start, after an unclean end when the run before did not journal its stop;
    /// answers how that run ended, for the admin API.
    /// `version`: the config's version, as `DaemonStatus` computed it.
    func started(_ config: ScalerdConfig, version: String) async -> PreviousRun? {
        var previous: PreviousRun?
        do {
            previous = try await journal.previousRun(instance: instance)
            if let previous, previous.ending == .endedWithoutStop {
                let detail = DaemonEvent.UncleanEnd(pid: previous.pid, runStarted: previous.startedAt, lastEvaluation: previous.endedAt).detail
                let reason = "\(previous.reason) at \(JournalFormatter.timestamp(previous.endedAt))"
                try await journal.record(event(.uncleanEnd, config, version: version, reason: reason, detail: detail, pid: previous.pid ?? 0))
                logger.warning("\(reason)")
            }
            try await journal.record(event(.start, config, version: version, reason: "started with \(config.endpoints.count) endpoint(s)"))
        } catch {
            logger.error("cannot journal the start", metadata: ["error": "\(error)"])
        }
        return previous
    }

    func reloaded(_ config: ScalerdConfig, version: String) async {
        do {
            try await journal.record(event(.reload, config, version: version, reason: "configuration reloaded"))
        } catch {
            logger.error("cannot journal the reload", metadata: ["error": "\(error)"])
        }
    }

    func stopped(_ config: ScalerdConfig, version: String, reason: String, handBack: [HandBackRecord]) async {
        do {
            try await journal.record(event(.stop, config, version: version, reason: reason, detail: DaemonEvent.StopDetail(endpoints: handBack).detail))
        } catch {
            logger.error("cannot journal the stop", metadata: ["error": "\(error)"])
        }
    }

    /// A change of leadership (`ha:`), with the term and the holders it concerns.
    func leadership(_ report: LeadershipReport, _ config: ScalerdConfig, version: String) async {
        do {
            try await journal.record(event(.leadership, config, version: version, reason: report.message, detail: report.detail))
        } catch {
            logger.error("cannot journal a leadership change", metadata: ["error": "\(error)", "change": "\(report.message)"])
        }
    }

    private func event(
        _ kind: DaemonEvent.Kind, _ config: ScalerdConfig, version: String, reason: String, detail: String = "{}", pid: Int? = nil
    ) -> DaemonEvent {
        DaemonEvent(
            at: clock(), event: kind, pid: pid ?? self.pid, version: ScalerdVersion.current, configVersion: version,
            tick: config.tick, reason: reason, detail: detail, instance: instance
        )
    }
}
