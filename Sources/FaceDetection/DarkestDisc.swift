/// Pinning an eye to its iris: the eye cascade's windows (and a mirror match) centre on the eye region, lids
/// and brow included, a few pixels off the pupil and differently for each window; the iris is the darkest
/// disc near that centre, wherever the window fell.
extension GreyImage {
    /// The centre of the disc of `radius` with the lowest mean among those centred within `reach` pixels of
    /// (`x`, `y`) (rounded) and wholly inside the image; (`x`, `y`) itself where none is.
    func darkestDisc(near x: Double, _ y: Double, reach: Int, radius: Int) -> (x: Double, y: Double) {
        var offsets: [Int] = []
        for dy in -radius...radius {
            for dx in -radius...radius where dx * dx + dy * dy <= radius * radius { offsets.append(dy * width + dx) }
        }
        let cx = Int(x.rounded()), cy = Int(y.rounded())
        var best: (x: Double, y: Double) = (x, y), darkest = Int.max
        for row in max(radius, cy - reach)...max(radius, min(height - 1 - radius, cy + reach)) where row + radius < height {
            for column in max(radius, cx - reach)...max(radius, min(width - 1 - radius, cx + reach)) where column + radius < width {
                let centre = row * width + column
                let sum = offsets.reduce(0) { $0 + Int(pixels[centre + $1]) }
                if sum < darkest { (darkest, best) = (sum, (Double(column), Double(row))) }
            }
        }
        return best
    }
}
