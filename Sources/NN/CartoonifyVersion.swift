/// The release of the whole project: the server reports it, and the trainer stamps it into the weights it exports.
package enum CartoonifyVersion {
    package static let current = "0.2.0"
}
