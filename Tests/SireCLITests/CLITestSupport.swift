import Foundation
import SireTestSupport

/// A git fixture holding workflow files, and a way to run the built binary in it.
extension GitFixture {
    func sire(_ arguments: String...) throws -> SireBinary.Result {
        try SireBinary.run(arguments, in: root)
    }

    func sire(_ arguments: [String]) throws -> SireBinary.Result {
        try SireBinary.run(arguments, in: root)
    }
}
