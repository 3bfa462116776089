/// What ``Repository/mergeNotes(from:into:author:message:)`` did.
public enum NotesMergeOutcome: Sendable, Hashable {
    /// The target already contained everything in the source (or the source does not exist).
    case upToDate
    /// The target had nothing the source lacked, so it now points at the source's commit.
    case fastForwarded
    /// Both had records the other lacked: a merge commit with both as parents now holds the
    /// union; `notes` is how many annotated objects the source contributed lines for.
    case merged(notes: Int)
}
