import SireGit
import SireSpec

extension Repository {
    /// A workflow file (or `sire.yaml`) stored at `blob`: its content when it is within the
    /// validator's size limit, else only its size, read from the object's header. A pushed
    /// file of hundreds of megabytes is refused without being inflated into memory.
    package func workflowFile(path: String, blob: ObjectID) throws -> WorkflowFile {
        let size = try blobSize(blob)
        let bytes = size > WorkflowValidator.maxFileSize ? [] : try self.blob(blob)
        return WorkflowFile(path: path, blob: blob.description, bytes: bytes, size: size)
    }
}
