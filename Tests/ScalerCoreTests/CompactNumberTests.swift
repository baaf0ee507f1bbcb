import Foundation
import ScalerCore
import Testing

@Suite struct CompactNumberText {
    @Test func wholeNumbersAreBareAndOthersHaveTwoDecimals() {
        #expect(CompactNumber.text(4) == "4")
        #expect(CompactNumber.text(-3) == "-3")
        #expect(CompactNumber.text(2.5) == "2.50")
        #expect(CompactNumber.text(0.05) == "0.05")
        #expect(CompactNumber.text(-0.35) == "-0.35")
        #expect(CompactNumber.text(-0.001) == "0.00", "no negative zero")
    }

    @Test func digitsMatchPrintfAwayFromExactHalves() {
        var random = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            let value = Double.random(in: -50_000...50_000, using: &random)
            let scaled = abs(value) * 100
            // An exact half after scaling may round either way in the last digit; no reason depends on it.
            guard abs(scaled - scaled.rounded(.down) - 0.5) > 1e-6, abs(value) >= 0.005 else { continue }
            #expect(CompactNumber.text(value) == String(format: "%.2f", value), "\(value)")
        }
    }

    @Test func hugeAndNonFiniteValuesStillPrint() {
        #expect(CompactNumber.text(1e300).hasPrefix("1000000"))
        #expect(CompactNumber.text(.infinity) == "inf")
        #expect(CompactNumber.text(.nan) == "nan")
    }
}
