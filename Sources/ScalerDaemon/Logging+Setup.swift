import Logging
import ScalerConfig
import ScalerHTTP

public enum LogSetup {
    /// Chooses the output format once per process; the level stays adjustable on reload.
    public static func bootstrap(format: LogFormat) {
        LoggingSystem.bootstrap { label in
            switch format {
            case .text: return StreamLogHandler.standardError(label: label)
            case .json: return JSONLogHandler(label: label)
            }
        }
    }
}
