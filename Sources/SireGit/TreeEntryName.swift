/// The rules a tree entry's name must meet before anything is written under it, as `git fsck`
/// checks them (`hasDot`, `hasDotdot`, `hasDotgit`, `fullPathname`, `emptyName`): repository
/// content is untrusted, and a crafted tree can name anything.
public enum TreeEntryName {
    /// Why `name` (one path component) cannot be written, or nil when it can.
    public static func problem(_ name: String) -> String? {
        if name.isEmpty { return "an empty name" }
        if name == "." || name == ".." { return "a '\(name)' entry" }
        if name.contains("/") { return "a name containing '/'" }
        if isDotGit(name) { return "a '.git' entry (in any spelling a file system takes for it)" }
        return nil
    }

    /// `.git` as case-insensitive, NTFS (trailing dots and spaces, the `git~1` short name) and
    /// HFS+ (ignorable code points) file systems would read it.
    static func isDotGit(_ name: String) -> Bool {
        var scalars = String.UnicodeScalarView()
        scalars.append(contentsOf: name.unicodeScalars.filter { !hfsIgnorable($0) })
        var folded = String(scalars).lowercased()
        while let last = folded.last, last == "." || last == " " { folded.removeLast() }
        return folded == ".git" || folded == "git~1"
    }

    private static func hfsIgnorable(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x200C...0x200F, 0x202A...0x202E, 0x206A...0x206F, 0xFEFF: true
        default: false
        }
    }
}
