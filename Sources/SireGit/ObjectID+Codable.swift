extension ObjectID: Codable {
    /// Decodes the 40-character hex form.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let hex = try container.decode(String.self)
        guard let id = ObjectID(hex) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "'\(hex)' is not a 40-character hex object id")
        }
        self = id
    }

    /// Encodes the 40-character hex form.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
