import Foundation
import HTTP
import Imaging

/// Finds the image bytes in a `POST /cartoonify` request: the raw body, or one file part of a
/// `multipart/form-data` body (what `curl -F image=@me.jpg` sends).
enum ImageUpload {
    static let acceptedTypes = ["image/jpeg", "image/jpg", "image/png", "application/octet-stream"]

    static func bytes(of request: HTTPRequest) throws(ServiceError) -> [UInt8] {
        let contentType = request.headers["Content-Type"] ?? "application/octet-stream"
        let mediaType = Self.mediaType(contentType)
        let body: [UInt8]
        if mediaType == "multipart/form-data" {
            body = try filePart(of: request.body, contentType: contentType)
        } else if acceptedTypes.contains(mediaType) {
            body = request.body
        } else {
            throw .unsupportedMediaType(
                "Content-Type \(mediaType) is not accepted; send image/jpeg, image/png, application/octet-stream or multipart/form-data.")
        }
        guard !body.isEmpty else {
            throw .badRequest("The request has no image: send it as the body or as a multipart file part.")
        }
        switch ImageFormat.sniff(body) {
        case .some(let format) where !format.isSupported:
            throw ServiceError(ImageError.unsupportedFormat(format))
        case .none:
            throw ServiceError(ImageError.unknownFormat)
        default:
            return body
        }
    }

    /// `type/subtype` in lower case, parameters dropped.
    static func mediaType(_ contentType: String) -> String {
        let bare = contentType.split(separator: ";", maxSplits: 1).first ?? ""
        return bare.trimmingCharacters(in: .whitespaces).lowercased()
    }

    /// The part named `image`, else the first part carrying a file name, else the only part.
    private static func filePart(of body: [UInt8], contentType: String) throws(ServiceError) -> [UInt8] {
        let parts: [MultipartPart]
        do {
            parts = try Multipart.parse(body: body, contentType: contentType)
        } catch {
            throw .badRequest("The multipart body is malformed: \(error)")
        }
        if let part = parts.first(where: { $0.name == "image" }) ?? parts.first(where: { $0.filename != nil })
            ?? (parts.count == 1 ? parts.first : nil)
        {
            return part.body
        }
        throw .badRequest("The multipart body has no file part; send it as -F image=@photo.jpg.")
    }
}
