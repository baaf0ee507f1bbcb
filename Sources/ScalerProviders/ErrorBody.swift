import Foundation
import ScalerHTTP
import ScalerPorts

/// PPIO's and Novita's error bodies (`{code, message, reason}`), which a 200 can carry too: an
/// update answered so was refused, whatever the status said.
enum ErrorBody {
    static func check(_ data: Data, label: String) throws(ProviderError) {
        guard let answer = try? JSONDecoder().decode(JSON.self, from: data), answer.object != nil else { return }
        let code = answer["code"]
        let failed: Bool
        switch code {
        case .integer(let number)?: failed = number != 0 && number != 200
        case .string(let text)? where !text.isEmpty: failed = !["0", "200", "OK", "ok", "success", "SUCCESS"].contains(text)
        default: failed = answer["error"].map { !$0.isNull } ?? false
        }
        guard failed else { return }
        let words = [code?.string, answer["reason"]?.string, answer["message"]?.string ?? answer["error"]?.string ?? answer["error"]?["message"]?.string]
            .compactMap { $0 }.filter { !$0.isEmpty }
        throw ProviderError(.rejected, "\(label) answered 200 with an error: \(words.isEmpty ? "no message" : words.joined(separator: ": "))")
    }
}
