import Imaging

/// A 5x7 pixel font for the labels of the loss plot: the trainer writes PNGs with no font library.
/// Letters are drawn as capitals; characters without a glyph are drawn as blanks.
enum BitmapFont {
    static let glyphWidth = 5, glyphHeight = 7

    /// Each glyph: 7 rows, top first, the 5 low bits of a row are its pixels (bit 4 = leftmost).
    static let glyphs: [Character: [UInt8]] = [
        "A": [14, 17, 17, 31, 17, 17, 17], "B": [30, 17, 17, 30, 17, 17, 30], "C": [14, 17, 16, 16, 16, 17, 14],
        "D": [30, 17, 17, 17, 17, 17, 30], "E": [31, 16, 16, 30, 16, 16, 31], "F": [31, 16, 16, 30, 16, 16, 16],
        "G": [14, 17, 16, 23, 17, 17, 15], "H": [17, 17, 17, 31, 17, 17, 17], "I": [14, 4, 4, 4, 4, 4, 14],
        "J": [7, 2, 2, 2, 2, 18, 12], "K": [17, 18, 20, 24, 20, 18, 17], "L": [16, 16, 16, 16, 16, 16, 31],
        "M": [17, 27, 21, 21, 17, 17, 17], "N": [17, 17, 25, 21, 19, 17, 17], "O": [14, 17, 17, 17, 17, 17, 14],
        "P": [30, 17, 17, 30, 16, 16, 16], "Q": [14, 17, 17, 17, 21, 18, 13], "R": [30, 17, 17, 30, 20, 18, 17],
        "S": [15, 16, 16, 14, 1, 1, 30], "T": [31, 4, 4, 4, 4, 4, 4], "U": [17, 17, 17, 17, 17, 17, 14],
        "V": [17, 17, 17, 17, 17, 10, 4], "W": [17, 17, 17, 21, 21, 21, 10], "X": [17, 17, 10, 4, 10, 17, 17],
        "Y": [17, 17, 10, 4, 4, 4, 4], "Z": [31, 1, 2, 4, 8, 16, 31],
        "0": [14, 17, 19, 21, 25, 17, 14], "1": [4, 12, 4, 4, 4, 4, 14], "2": [14, 17, 1, 2, 4, 8, 31],
        "3": [31, 2, 4, 2, 1, 17, 14], "4": [2, 6, 10, 18, 31, 2, 2], "5": [31, 16, 30, 1, 1, 17, 14],
        "6": [6, 8, 16, 30, 17, 17, 14], "7": [31, 1, 2, 4, 8, 8, 8], "8": [14, 17, 17, 14, 17, 17, 14],
        "9": [14, 17, 17, 15, 1, 2, 12],
        ".": [0, 0, 0, 0, 0, 12, 12], ",": [0, 0, 0, 0, 12, 4, 8], "-": [0, 0, 0, 31, 0, 0, 0],
        "_": [0, 0, 0, 0, 0, 0, 31], ":": [0, 12, 12, 0, 12, 12, 0], "(": [2, 4, 8, 8, 8, 4, 2],
        ")": [8, 4, 2, 2, 2, 4, 8], "/": [1, 1, 2, 4, 8, 16, 16], "=": [0, 0, 31, 0, 31, 0, 0],
    ]

    /// Width in pixels of `text` at `scale` (one blank column between glyphs).
    static func width(of text: String, scale: Int) -> Int {
        text.count * (glyphWidth + 1) * scale
    }

    /// Draws `text` with its top-left corner at (x, y); pixels outside the image are skipped.
    static func draw(_ text: String, at x: Int, _ y: Int, scale: Int, colour: (UInt8, UInt8, UInt8), on image: inout RGBImage) {
        for (i, character) in text.uppercased().enumerated() {
            guard let rows = glyphs[character] else { continue }
            let left = x + i * (glyphWidth + 1) * scale
            for (r, bits) in rows.enumerated() {
                for c in 0..<glyphWidth where bits & (16 >> c) != 0 {
                    image.fill(x: left + c * scale, y: y + r * scale, width: scale, height: scale, colour: colour)
                }
            }
        }
    }
}

extension RGBImage {
    /// Paints a rectangle, clipped to the image.
    mutating func fill(x: Int, y: Int, width w: Int, height h: Int, colour: (UInt8, UInt8, UInt8)) {
        let x0 = max(0, x), x1 = min(width, x + w), y0 = max(0, y), y1 = min(height, y + h)
        guard x0 < x1, y0 < y1, pixels.count == width * height * 3 else { return }
        for row in y0..<y1 {
            for column in x0..<x1 {
                let i = (row * width + column) * 3
                pixels[i] = colour.0
                pixels[i + 1] = colour.1
                pixels[i + 2] = colour.2
            }
        }
    }
}
