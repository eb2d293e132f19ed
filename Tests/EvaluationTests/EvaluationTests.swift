import Evaluation
import Imaging
import Testing

/// Images whose statistics are known by construction.
enum Synthetic {
    /// Left half one colour, right half another: a cartoon's flat fills and one hard border.
    static func flat(_ left: (UInt8, UInt8, UInt8), _ right: (UInt8, UInt8, UInt8), size: Int = 64) -> RGBImage {
        var image = RGBImage(width: size, height: size, fill: left)
        for y in 0..<size {
            for x in size / 2..<size {
                let i = (y * size + x) * 3
                (image.pixels[i], image.pixels[i + 1], image.pixels[i + 2]) = right
            }
        }
        return image
    }

    /// Every sample an independent level in 100..<140, so neighbours differ by up to 39 levels and the
    /// colours spread over 125 palette cells: photographic texture.
    static func textured(_ size: Int = 64, seed: UInt64) -> RGBImage {
        var state = seed
        var image = RGBImage(width: size, height: size)
        for i in 0..<image.pixels.count {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            image.pixels[i] = UInt8(100 + (state >> 33) % 40)
        }
        return image
    }

    /// A horizontal grey ramp (dark left, light right), or its mirror image.
    static func ramp(_ size: Int = 64, reversed: Bool = false) -> RGBImage {
        var image = RGBImage(width: size, height: size)
        for y in 0..<size {
            for x in 0..<size {
                let level = UInt8((reversed ? size - 1 - x : x) * 255 / (size - 1))
                let i = (y * size + x) * 3
                (image.pixels[i], image.pixels[i + 1], image.pixels[i + 2]) = (level, level, level)
            }
        }
        return image
    }
}

@Suite struct StyleFeaturesTests {
    @Test func flatFillsAndOneBorder() {
        let features = StyleFeatures(Synthetic.flat((250, 250, 250), (200, 40, 40)))
        #expect(features.palette == 1)
        #expect(abs(features.flatness - 63.0 / 64) < 1e-9)  // one column of 64 touches the border
        #expect(abs(features.edges - 1.0 / 64) < 1e-9)
        #expect(features.texture == 0)
        #expect(abs(features.saturation - 0.5 * 160 / 255) < 1e-9)
    }

    @Test func meansArePerFeature() {
        let (flat, textured) = (StyleFeatures(Synthetic.flat((250, 250, 250), (200, 40, 40))), StyleFeatures(Synthetic.textured(seed: 7)))
        let means = StyleFeatures.means([flat, textured])
        for (mean, (a, b)) in zip(means, zip(flat.vector, textured.vector)) { #expect(abs(mean - (a + b) / 2) < 1e-12) }
        #expect(StyleFeatures.means([]) == [0, 0, 0, 0, 0])
    }

    @Test func photographicTexture() {
        let features = StyleFeatures(Synthetic.textured(seed: 7))
        #expect(features.texture > 0.8)
        #expect(features.flatness < 0.2)
        #expect(features.palette < 0.3)
        #expect(features.saturation > 0.05 && features.saturation < 39.0 / 255)
    }
}

@Suite struct CartoonClassifierTests {
    @Test func separatesFlatFromTextured() {
        let cartoons = (0..<20).map { k in StyleFeatures(Synthetic.flat((250, 250, 250), (UInt8(100 + k), 60, 40))) }
        let photos = (0..<20).map { StyleFeatures(Synthetic.textured(seed: UInt64($0))) }
        let classifier = CartoonClassifier(photos: photos, cartoons: cartoons)
        #expect(classifier.cartoonShare(cartoons) == 1)
        #expect(classifier.cartoonShare(photos) == 0)
        #expect(classifier.meanProbability(cartoons) > 0.9 && classifier.meanProbability(photos) < 0.1)
        let unseen = StyleFeatures(Synthetic.flat((20, 20, 20), (240, 200, 180)))
        #expect(classifier.cartoonProbability(unseen) > 0.5)
        #expect(classifier.cartoonProbability(StyleFeatures(Synthetic.textured(seed: 99))) < 0.5)
    }
}

@Suite struct StructureCorrelationTests {
    @Test func sameLayoutOppositeLayoutAndNoLayout() {
        let ramp = Synthetic.ramp()
        #expect(abs(StructureCorrelation.correlation(ramp, ramp) - 1) < 1e-9)
        #expect(abs(StructureCorrelation.correlation(ramp, Synthetic.ramp(reversed: true)) + 1) < 1e-3)
        #expect(StructureCorrelation.correlation(ramp, RGBImage(width: 64, height: 64, fill: (9, 9, 9))) == 0)
    }

    @Test func differentSizesCompareByLayout() {
        #expect(StructureCorrelation.correlation(Synthetic.ramp(128), Synthetic.ramp(64)) > 0.999)
    }
}

@Suite struct FaceColoursTests {
    @Test func cheeksAndTopBandAreReadWhereTheyAre() {
        // Skin colour everywhere, a hair-coloured band over the top 10% of the rows.
        var image = RGBImage(width: 100, height: 100, fill: (220, 180, 150))
        for i in 0..<(10 * 100) { (image.pixels[3 * i], image.pixels[3 * i + 1], image.pixels[3 * i + 2]) = (60, 40, 20) }
        let colours = FaceColours(image)
        #expect(colours.skin == SIMD3(220, 180, 150))
        #expect(colours.hair == SIMD3(60, 40, 20))
        let expected: Double = (160.0 * 160 + 140.0 * 140 + 130.0 * 130).squareRoot()
        #expect(FaceColours.distance(colours.skin, colours.hair) == expected)
    }
}

@Suite struct CheckerboardTests {
    @Test func alternatingPixelsScoreTheirAmplitudeFlatAndRampsNothing() {
        var board = RGBImage(width: 8, height: 8, fill: (100, 100, 100))
        for y in 0..<8 {
            for x in 0..<8 where (x + y) % 2 == 1 {
                let i = (y * 8 + x) * 3
                (board.pixels[i], board.pixels[i + 1], board.pixels[i + 2]) = (110, 110, 110)
            }
        }
        #expect(abs(Checkerboard.energy(board) - 5) < 1e-9)
        #expect(Checkerboard.energy(RGBImage(width: 8, height: 8, fill: (50, 60, 70))) == 0)
        #expect(Checkerboard.energy(Synthetic.ramp()) < 1e-9)  // a linear ramp has no alternating part
    }
}

@Suite struct LightFlecksTests {
    static func paint(_ image: inout RGBImage, _ xs: Range<Int>, _ ys: Range<Int>, _ colour: (UInt8, UInt8, UInt8)) {
        for y in ys {
            for x in xs {
                let i = (y * image.width + x) * 3
                (image.pixels[i], image.pixels[i + 1], image.pixels[i + 2]) = colour
            }
        }
    }

    @Test func countsWhiteOnlyWhereThePhotoIsDarker() {
        var photo = RGBImage(width: 8, height: 8, fill: (120, 120, 120))
        Self.paint(&photo, 6..<8, 0..<8, (230, 230, 230))  // a light band: white there is the photo's own
        var cartoon = photo
        Self.paint(&cartoon, 0..<2, 0..<2, (255, 255, 255))  // a blot: 4 of 64 pixels
        Self.paint(&cartoon, 6..<8, 0..<8, (255, 255, 255))
        Self.paint(&cartoon, 3..<5, 3..<5, (255, 255, 190))  // light, but not white in every channel
        #expect(LightFlecks.share(photo: photo, cartoon: cartoon) == 4.0 / 64)
        #expect(LightFlecks.share(photo: photo, cartoon: photo) == 0)
        #expect(LightFlecks.share(photo: photo, cartoon: RGBImage(width: 4, height: 4, fill: (255, 255, 255))) == 0)
        // Lightened counts the blot and the yellow patch (grey 248 against 120), not the photo's own light band.
        #expect(LightFlecks.lightenedShare(photo: photo, cartoon: cartoon) == 8.0 / 64)
        #expect(LightFlecks.lightenedShare(photo: photo, cartoon: photo) == 0)
    }

    /// Blots: white on lit skin counts even within 60 levels of the photo, but not in the mouth (teeth), and
    /// white over a grey (unlit, colourless) photo only past 60 levels.
    @Test func blotsCountWhiteOnLitSkinOutsideTheMouth() {
        var photo = RGBImage(width: 20, height: 20, fill: (220, 180, 160))   // lit skin, grey 191
        Self.paint(&photo, 0..<4, 0..<4, (200, 200, 200))                    // a grey patch
        var cartoon = photo
        Self.paint(&cartoon, 8..<10, 2..<4, (255, 255, 255))    // white on skin, 64 levels lighter: 4 pixels
        Self.paint(&cartoon, 0..<4, 0..<4, (240, 240, 240))     // 40 levels over the grey patch: not a blot
        Self.paint(&cartoon, 8..<12, 14..<16, (255, 255, 255))  // teeth, inside the mouth (rows 12..<19, columns 5..<15)
        #expect(LightFlecks.blotShare(photo: photo, cartoon: cartoon) == 4.0 / 400)
        Self.paint(&cartoon, 12..<14, 6..<8, (235, 235, 235))   // near-white, 44 levels lighter on skin: 4 more
        #expect(LightFlecks.blotShare(photo: photo, cartoon: cartoon) == 8.0 / 400)
        #expect(LightFlecks.blotShare(photo: photo, cartoon: photo) == 0)
        // A white eye (columns 4..<6, rows 3..<5: the left eye region is rows 2..<7, columns 2..<8) counts as a
        // blot, but not off the eyes; nor does the near-white patch's top row (row 6, in the right eye region,
        // columns 11..<18); the blot between the eye regions and the rest of the patch still do.
        Self.paint(&cartoon, 4..<6, 3..<5, (255, 255, 255))
        #expect(LightFlecks.blotShare(photo: photo, cartoon: cartoon) == 12.0 / 400)
        #expect(LightFlecks.blotsOffEyes(photo: photo, cartoon: cartoon, eyes: photo.cartoonEyes).share == 6.0 / 400)
    }

    /// Off the eyes also leaves out the eyes found in the photo, as the trainer draws them: irises low in the
    /// chip (row 42 of 128) get white discs (rows 36..<49) that reach below the eye regions (which end at row
    /// 46), and those do not count; a white blot on the cheek still does, and makes the face one with a blot off the
    /// eyes where a speck does not.
    @Test func blotsOffTheEyesLeaveOutTheEyesFoundInThePhoto() {
        var photo = RGBImage(width: 128, height: 128, fill: (200, 150, 120))
        var cartoon = photo
        for x in [36, 92] {
            Self.paint(&photo, (x - 2)..<(x + 3), 40..<45, (40, 40, 40))      // the iris
            Self.paint(&cartoon, (x - 6)..<(x + 7), 36..<49, (255, 255, 255))  // its white disc
        }
        #expect(!LightFlecks.blotsOffEyes(photo: photo, cartoon: cartoon, eyes: photo.cartoonEyes).hasPatch)
        var speck = cartoon
        Self.paint(&speck, 20..<23, 70..<73, (255, 255, 255))    // 9 pixels: under a second ring's size
        #expect(!LightFlecks.blotsOffEyes(photo: photo, cartoon: speck, eyes: photo.cartoonEyes).hasPatch)
        Self.paint(&cartoon, 20..<24, 70..<74, (255, 255, 255))  // a blot on the cheek: 16 pixels
        #expect(LightFlecks.blotShare(photo: photo, cartoon: cartoon) == Double(2 * 13 * 13 + 16) / 16384)
        #expect(LightFlecks.blotsOffEyes(photo: photo, cartoon: cartoon, eyes: photo.cartoonEyes).share == 16.0 / 16384)
        let offEyes = LightFlecks.blotsOffEyes(photo: photo, cartoon: cartoon, eyes: photo.cartoonEyes)
        #expect(offEyes.hasPatch && offEyes.largestPatch?.pixels == 16 && offEyes.largestPatch?.centre == SIMD2(21.5, 71.5))
    }

    /// White off the drawn eyes: the eyes' own discs do not count, even a few pixels off the irises; a second white
    /// disc beside an eye does, wherever it is; skin evened lighter but not white does not, nor white the photo has.
    @Test func whiteOffTheDrawnEyesCountsSecondRingsOnly() {
        var photo = RGBImage(width: 128, height: 128, fill: (120, 90, 70))
        var cartoon = photo
        for x in [36, 92] {
            Self.paint(&photo, (x - 2)..<(x + 3), 32..<37, (40, 40, 40))
            for y in 27..<48 { for dx in -10...10 where dx * dx + (y - 37) * (y - 37) <= 100 {   // each eye 3 pixels low
                Self.paint(&cartoon, (x + dx)..<(x + dx + 1), y..<(y + 1), (255, 255, 255))
            } }
        }
        Self.paint(&cartoon, 40..<80, 60..<80, (230, 190, 170))   // evened skin: lighter, not white
        Self.paint(&photo, 0..<128, 120..<128, (250, 250, 250))   // a white collar in both
        Self.paint(&cartoon, 0..<128, 120..<128, (255, 255, 255))
        #expect(!LightFlecks.whiteOffEyes(photo: photo, cartoon: cartoon, eyes: photo.cartoonEyes).hasPatch)
        #expect(LightFlecks.whiteOffEyes(photo: photo, cartoon: cartoon, eyes: photo.cartoonEyes).share == 0)
        Self.paint(&cartoon, 50..<58, 30..<38, (250, 250, 250))   // a second ring beside the left eye: 64 pixels
        let second = LightFlecks.whiteOffEyes(photo: photo, cartoon: cartoon, eyes: photo.cartoonEyes)
        #expect(second.hasPatch && second.largestPatch?.pixels == 64 && second.share == 64.0 / 16384)
    }

    /// The eyes' whites: a white disc round each iris found in the photo counts whole, the same disc in magenta
    /// (its green gone) counts nothing, and the photo's own dark eyes count nothing.
    @Test func eyeWhitesCountOnlyWhiteRoundTheIrises() {
        var photo = RGBImage(width: 128, height: 128, fill: (200, 150, 120))
        var (white, magenta) = (photo, photo)
        for x in [36, 92] {
            Self.paint(&photo, (x - 2)..<(x + 3), 32..<37, (40, 40, 40))
            Self.paint(&white, (x - 9)..<(x + 10), 25..<44, (255, 255, 255))
            Self.paint(&magenta, (x - 9)..<(x + 10), 25..<44, (240, 120, 240))
        }
        #expect(EyeWhites.share(photo: photo, cartoon: white, eyes: photo.cartoonEyes) == 1)
        #expect(EyeWhites.share(photo: photo, cartoon: magenta, eyes: photo.cartoonEyes) == 0)
        #expect(EyeWhites.share(photo: photo, cartoon: photo, eyes: photo.cartoonEyes) == 0)
        #expect(EyeWhites.share(photo: photo, cartoon: RGBImage(width: 64, height: 64, fill: (255, 255, 255)), eyes: photo.cartoonEyes) == 0)
    }

    /// Spots: a red dot on the cheek counts, the same red where the photo is red too (lips) does not, and images
    /// of two sizes count nothing.
    @Test func spotsCountRedDotsThePhotoLacks() {
        let photo = RGBImage(width: 40, height: 40, fill: (200, 150, 120))
        var cartoon = photo
        Self.paint(&cartoon, 12..<15, 16..<19, (230, 120, 110))   // columns 12..<15, rows 16..<19: 9 pixels
        #expect(LightFlecks.spotShare(photo: photo, cartoon: cartoon) == 9.0 / 1600)
        #expect(LightFlecks.spotShare(photo: photo, cartoon: photo) == 0)
        var lips = photo
        Self.paint(&lips, 12..<15, 16..<19, (200, 100, 100))
        #expect(LightFlecks.spotShare(photo: lips, cartoon: cartoon) == 0)
        #expect(LightFlecks.spotShare(photo: RGBImage(width: 20, height: 20, fill: (200, 150, 120)), cartoon: cartoon) == 0)
    }
}

@Suite struct SkinShadingTests {
    /// Flat skin scores 0; a patch 60 levels darker over an eighth of the cheeks scores an eighth of 60; marks
    /// outside the cheeks (a brow, the mouth) count for nothing; a one-pixel image is read, not a crash.
    @Test func darkPatchesOnTheCheeksCountMarksElsewhereDoNot() {
        let skin: (UInt8, UInt8, UInt8) = (220, 170, 130)
        var face = RGBImage(width: 100, height: 100, fill: skin)
        #expect(SkinShading.spread(face) == 0)
        LightFlecksTests.paint(&face, 30..<70, 20..<26, (40, 30, 20))
        LightFlecksTests.paint(&face, 35..<65, 75..<85, (200, 60, 80))
        #expect(SkinShading.spread(face) == 0)
        LightFlecksTests.paint(&face, 18..<28, 38..<50, (160, 110, 70))  // 120 of the cheeks' 960 pixels
        #expect(abs(SkinShading.spread(face) - 60.0 / 8) < 1e-6)
        #expect(SkinShading.spread(Synthetic.textured(100, seed: 3)) > 5)
        #expect(SkinShading.spread(RGBImage(width: 1, height: 1, fill: skin)) == 0)
    }
}
