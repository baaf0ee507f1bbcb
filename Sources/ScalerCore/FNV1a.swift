/// The 64-bit FNV-1a hash of a string's UTF-8: stable across runs and platforms, unlike
/// `hashValue`, for whatever must come out the same for the same name every time.
public enum FNV1a {
    public static func hash(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        return hash
    }
}
