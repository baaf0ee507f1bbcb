import Foundation
import Hummingbird
import ScalerHTTP

/// A metrics service answering JSON at `/metrics/{id}`, the shape `source: http` reads with
/// JSON Pointers. Its answers are the state's `health` entries.
public enum FakeMetrics {
    public static func router(_ state: FakeProviderState) -> Router<BasicRequestContext> {
        let router = Router()
        router.get("/metrics/:id") { request, context in
            _ = try await request.recorded(in: state)
            guard let value = await state.health[context.parameters.get("id") ?? ""] else {
                return FakeResponse.json(["error": "unknown endpoint"], status: .notFound)
            }
            return FakeResponse.json(value)
        }
        return router
    }
}
