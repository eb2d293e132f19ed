import Parallel

extension KernelISA {
    /// Fills `output` (`layout.count` floats) from the NCHW `input`, applying `affine` to real pixels.
    @inlinable
    public static func prepareInput(_ layout: PaddedLayout, input: UnsafePointer<Float>,
                                    output: UnsafeMutablePointer<Float>, affine: ChannelAffine?, context: ComputeContext) {
        let rowLength = layout.columnPeriod * layout.phaseWidth
        let (height, width) = (layout.height, layout.width)
        let (padLeft, padRight) = (layout.padLeft, layout.padRight)
        parallelRanges(layout.channels, context: context, work: layout.count) { range in
            let row = UnsafeMutablePointer<Float>.allocate(capacity: rowLength)
            defer { row.deallocate() }
            for c in range {
                let scale = affine?.scale[c] ?? 1, shift = affine?.shift[c] ?? 0
                let relu = affine?.relu ?? false
                let plane = input + c * height * width
                for y in 0..<layout.rowPeriod * layout.phaseHeight {
                    let destination = output + layout.offset(channel: c, y: y, x: 0)
                    guard let sy = layout.source(y, before: layout.padTop, after: layout.padBottom, size: height) else {
                        for phase in 0..<layout.columnPeriod {
                            (destination + phase * layout.phaseSize).update(repeating: 0, count: layout.phaseWidth)
                        }
                        continue
                    }
                    let src = plane + sy * width
                    // Transform the source row once into the padded row, then deal it out to the phases.
                    let inner = row + padLeft
                    if relu {
                        for x in 0..<width { inner[x] = max(src[x] * scale + shift, 0) }
                    } else {
                        for x in 0..<width { inner[x] = src[x] * scale + shift }
                    }
                    for x in 0..<padLeft {
                        row[x] = layout.source(x, before: padLeft, after: padRight, size: width).map { inner[$0] } ?? 0
                    }
                    for x in padLeft + width ..< rowLength {
                        row[x] = layout.source(x, before: padLeft, after: padRight, size: width).map { inner[$0] } ?? 0
                    }
                    deal(row, period: layout.columnPeriod, count: layout.phaseWidth, into: destination,
                         phaseStride: layout.phaseSize)
                }
            }
        }
    }

    /// `destination[phase * phaseStride + q] = row[q * period + phase]`, with the common periods spelled
    /// out (a pointer that steps by the period, a run-time trip count) so the loop vectoriser can turn
    /// them into permutes.
    @inlinable @inline(never)
    static func deal(_ row: UnsafePointer<Float>, period: Int, count: Int, into destination: UnsafeMutablePointer<Float>,
                     phaseStride: Int) {
        let d0 = destination, d1 = destination + phaseStride
        switch period {
        case 1:
            destination.update(from: row, count: count)
        case 2:
            var source = row
            for q in 0..<count {
                d0[q] = source[0]
                d1[q] = source[1]
                source += 2
            }
        case 4:
            let d2 = destination + 2 * phaseStride, d3 = destination + 3 * phaseStride
            var source = row
            for q in 0..<count {
                d0[q] = source[0]
                d1[q] = source[1]
                d2[q] = source[2]
                d3[q] = source[3]
                source += 4
            }
        default:
            for q in 0..<count {
                for phase in 0..<period { destination[phase * phaseStride + q] = row[q * period + phase] }
            }
        }
    }

    /// `row[4 * i + s] = columns[s * stride + i]` for i < count: the inverse of `deal` for period 4, kept
    /// out of line so its trip count stays a run-time value and the loop vectoriser (not the unroller)
    /// handles it.
    @inlinable @inline(never)
    static func interleave4(_ columns: UnsafePointer<Float>, stride: Int, count: Int,
                            into row: UnsafeMutablePointer<Float>) {
        let c1 = columns + stride, c2 = columns + 2 * stride, c3 = columns + 3 * stride
        var target = row
        for i in 0..<count {
            target[0] = columns[i]
            target[1] = c1[i]
            target[2] = c2[i]
            target[3] = c3[i]
            target += 4
        }
    }
}
