extension ConfigNode {
    /// A secret reference, resolved now so that a missing secret refuses the file.
    func secret(using secrets: SecretResolver) -> Secret? {
        guard let text = string() else { return nil }
        guard let reference = SecretReference(text) else {
            report("expected a secret reference env:NAME, file:PATH or credential:NAME; secrets are never written into the config itself")
            return nil
        }
        switch secrets.resolve(reference) {
        case .success(let secret): return secret
        case .failure(let error):
            report("cannot resolve \(reference): \(error)")
            return nil
        }
    }
}
