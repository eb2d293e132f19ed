import NN

/// A `[1, 3, side, side]` RGB tensor in [-1, 1] whose pixel (row, column) has `colour(row, column)`: the test
/// images of the teacher's target.
func rgbTensor(side: Int, _ colour: (Int, Int) -> SIMD3<Float>) -> Tensor {
    let plane = side * side
    return Tensor(shape: [1, 3, side, side], storage: (0..<(3 * plane)).map { index in
        colour(index % plane / side, index % side)[index / plane]
    })
}
