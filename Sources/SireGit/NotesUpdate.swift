/// What ``Repository/updateNotes(_:ref:author:message:)`` stored.
public struct NotesUpdate: Sendable, Hashable {
    /// One edited note.
    public struct Change: Sendable, Hashable {
        /// Its lines before the edit, in stored order, each once.
        public var before: [String]
        /// Its lines after the edit, as stored.
        public var after: [String]

        /// A change from `before` to `after`.
        public init(before: [String], after: [String]) {
            self.before = before
            self.after = after
        }
    }

    /// The notes commit the ref points at now.
    public var commit: ObjectID
    /// Each edited note, by annotated object.
    public var notes: [ObjectID: Change]
}
