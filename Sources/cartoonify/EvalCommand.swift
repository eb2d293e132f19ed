import ArgumentParser
import Evaluation
import FaceDetection
import Foundation
import Imaging
import NN
import Parallel
import Pipeline

/// Measures a model on held-out photos through the server's own pipeline (crop=center: the held-out
/// photos are aligned crops, framed as the model was trained), so a run's numbers can be compared.
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval", abstract: "Measure a model on held-out photos: cartoon-likeness, structure, colours, cycle.",
        discussion: """
            The cartoon-likeness classifier (logistic regression on flatness, edge, texture, palette and saturation \
            statistics) is fitted on --reference-count images of each reference folder (the training data) and \
            checked on the held-out photos and cartoons; the mean shares of flat and textured pixels (two of its \
            features) are printed for the outputs, the photos and the cartoons, to say why. Structure: correlation of \
            32x32 grey input and output. \
            Colours: distance (8-bit RGB) between the photo's and the cartoon's mean skin (cheeks) and hair (top \
            band). Checkerboard: the transposed convolutions' artefact on flat areas. Light flecks: share of pixels \
            white in the cartoon and 60 grey levels lighter than the photo (white blots); blots: those, any pixel 60 levels \
            lighter, and near-white on lit skin 20 levels lighter, outside the mouth (what cartoonify-train --teacher \
            paints out), and the same off the eyes (their regions and the eyes found in the photo, where a model \
            taught cartoon eyes draws white); spots: patches of at most 1.8% of the image on the face, outside eyes \
            and mouth, much redder or bluer than the photo (what --teacher-spots adds). Skin shading: mean distance of the cheeks' grey from their \
            median (flat avatar skin is near 0; what --teacher-skin evens out; the held-out cartoons, framed with the \
            eyes lower, are not comparable). Cycle: mean |F(G(x)) - x| on the [-1, 1] scale, with F from --checkpoint.
            """)

    @Option(help: "Generator weights (safetensors).")
    var weights = "weights/default.safetensors"
    @Option(help: "A cartoonify-train checkpoint of the same run, for the cycle L1 (optional).")
    var checkpoint: String?
    @Option(help: "Held-out photos.")
    var photos: String
    @Option(help: "Held-out cartoons (checks the classifier).")
    var cartoons: String
    @Option(help: "Training photos, to fit the classifier.")
    var referencePhotos: String
    @Option(help: "Training cartoons, to fit the classifier.")
    var referenceCartoons: String
    @Option(help: "Images of each reference folder the classifier is fitted on (spread evenly over the folder).")
    var referenceCount = 300
    @Flag(help: "After the table, name each held-out photo whose cartoon has a blot off the eyes, and each with white off the drawn eyes, with the largest patch's size and centre (pixels of the model's input), to find the faces behind those rows.")
    var listBlots = false
    @Option(name: .customLong("outputs"), help: "Measure the images in this folder instead of the model's outputs: one per held-out photo, named after it with .png added (as `cartoonify-train target --each` writes a run's targets), at the model's size; --weights still gives that size.")
    var outputFolder: String?

    func run() throws {
        guard referenceCount >= 2 else { throw ValidationError("--reference-count must be at least 2") }
        let loaded = try Generator.load(from: URL(fileURLWithPath: weights))
        let pipeline = CartoonPipeline(generator: loaded.generator, detector: try ProcessEnvironment.detector(),
                                       kernels: try ProcessEnvironment.kernels())
        let size = pipeline.modelSize
        let modelInput = { (image: RGBImage) in image.centerSquareCrop().resized(width: size, height: size) }
        let classifier = CartoonClassifier(
            photos: try Self.images(referencePhotos, limit: referenceCount).map { StyleFeatures(modelInput($0.image)) },
            cartoons: try Self.images(referenceCartoons, limit: referenceCount).map { StyleFeatures(modelInput($0.image)) })
        let cycle = try checkpoint.map { try Self.cartoonToPhoto(checkpoint: $0, config: loaded.generator.config) }

        let options = CartoonOptions(crop: .center)
        let resources = CartoonPipeline.Resources(context: ComputeContext(threads: AvailableCores.count))
        var inputs: [StyleFeatures] = [], outputs: [StyleFeatures] = []
        var correlation = 0.0, skin = 0.0, hair = 0.0, cycleL1 = 0.0, checkerIn = 0.0, checkerOut = 0.0, flecks = 0.0, lightened = 0.0, blots = 0.0, blotsOffEyes = 0.0, facesWithBlotsOffEyes = 0.0, whiteOffEyes = 0.0, facesWithWhiteOffEyes = 0.0, eyeWhites = 0.0, eyeWhitesIn = 0.0, spots = 0.0
        var shadingIn = 0.0, shadingOut = 0.0
        var blotted: [String] = [], whitened: [String] = []
        let heldOut = try Self.images(photos, limit: nil)
        for (name, bytes, decoded) in heldOut {
            let input = modelInput(decoded)
            let output = try outputFolder.map { try Self.made(for: name, in: $0, size: size) }
                ?? ImageDecoder.decode(try pipeline.run(bytes, options: options, resources: resources).png)
            inputs.append(StyleFeatures(input))
            outputs.append(StyleFeatures(output))
            correlation += StructureCorrelation.correlation(input, output)
            checkerIn += Checkerboard.energy(input)
            checkerOut += Checkerboard.energy(output)
            flecks += LightFlecks.share(photo: input, cartoon: output)
            lightened += LightFlecks.lightenedShare(photo: input, cartoon: output)
            blots += LightFlecks.blotShare(photo: input, cartoon: output)
            let eyes = input.cartoonEyes
            let offEyes = LightFlecks.blotsOffEyes(photo: input, cartoon: output, eyes: eyes)
            blotsOffEyes += offEyes.share
            if offEyes.hasPatch, let patch = offEyes.largestPatch {
                facesWithBlotsOffEyes += 1
                blotted.append(Self.patch(patch, of: name))
            }
            let white = LightFlecks.whiteOffEyes(photo: input, cartoon: output, eyes: eyes)
            whiteOffEyes += white.share
            if white.hasPatch, let patch = white.largestPatch {
                facesWithWhiteOffEyes += 1
                whitened.append(Self.patch(patch, of: name))
            }
            eyeWhites += EyeWhites.share(photo: input, cartoon: output, eyes: eyes)
            eyeWhitesIn += EyeWhites.share(photo: input, cartoon: input, eyes: eyes)
            spots += LightFlecks.spotShare(photo: input, cartoon: output)
            shadingIn += SkinShading.spread(input)
            shadingOut += SkinShading.spread(output)
            let (a, b) = (FaceColours(input), FaceColours(output))
            skin += FaceColours.distance(a.skin, b.skin)
            hair += FaceColours.distance(a.hair, b.hair)
            if let cycle {
                let back = cycle.forward(Tensor(shape: [1, 3, size, size], storage: output.planarFloats()),
                                         arena: resources.arena, context: resources.context)
                let difference: Double = zip(back.storage, input.planarFloats()).reduce(0) { $0 + Double(abs($1.0 - $1.1)) }
                cycleL1 += difference / Double(back.count)
            }
        }
        let n = Double(heldOut.count)
        let cartoonFeatures = try Self.images(cartoons, limit: nil).map { StyleFeatures(modelInput($0.image)) }
        print("model \(weights) (\(loaded.metadata["trained_steps"].map { "\($0) steps" } ?? "no step count")); "
            + "\(heldOut.count) held-out photos from \(photos), \(cartoonFeatures.count) held-out cartoons")
        print("| metric | model output | held-out photos as they are |")
        print("|---|---|---|")
        print(String(format: "| cartoon-likeness (share called cartoon) | %.3f | %.3f |",
                     classifier.cartoonShare(outputs), classifier.cartoonShare(inputs)))
        print(String(format: "| cartoon probability (mean) | %.3f | %.3f |",
                     classifier.meanProbability(outputs), classifier.meanProbability(inputs)))
        let (styleOut, styleIn) = (StyleFeatures.means(outputs), StyleFeatures.means(inputs))
        print(String(format: "| flat pixels (right and lower neighbours within 3 levels, %%) | %.1f | %.1f |", 100 * styleOut[0], 100 * styleIn[0]))
        print(String(format: "| texture pixels (a neighbour 4 to 48 levels off, %%) | %.1f | %.1f |", 100 * styleOut[2], 100 * styleIn[2]))
        print(String(format: "| checkerboard (2x2 alternating grey, levels) | %.2f | %.2f |", checkerOut / n, checkerIn / n))
        print(String(format: "| light flecks (white where the photo is not, %% of pixels) | %.2f | 0 |", 100 * flecks / n))
        print(String(format: "| lightened (60 levels lighter than the photo, any colour, %% of pixels) | %.2f | 0 |", 100 * lightened / n))
        print(String(format: "| blots (lightened, or white on lit skin, outside the mouth; %% of pixels) | %.2f | 0 |", 100 * blots / n))
        print(String(format: "| blots off the eyes (the same outside the eye regions and the eyes found in the photo, where cartoon eyes are white; %% of pixels) | %.3f | 0 |",
                     100 * blotsOffEyes / n))
        print(String(format: "| faces with a blot off the eyes (a patch of %d or more such pixels: a second ring, a white oval; share) | %.3f | 0 |",
                     LightFlecks.ringPixels, facesWithBlotsOffEyes / n))
        print(String(format: "| white off the drawn eyes (near-white, 60 levels lighter than the photo, beyond 1.4 white radii of the eyes found in the photo; %% of pixels) | %.3f | 0 |",
                     100 * whiteOffEyes / n))
        print(String(format: "| faces with white off the drawn eyes (a patch of %d or more such pixels: a second ring; share) | %.3f | 0 |",
                     LightFlecks.ringPixels, facesWithWhiteOffEyes / n))
        print(String(format: "| eye whites (near-white share of the ring round each pupil, where cartoon eyes go) | %.3f | %.3f |",
                     eyeWhites / n, eyeWhitesIn / n))
        print(String(format: "| spots (small red or blue patches on the face that the photo lacks; %% of pixels) | %.3f | 0 |", 100 * spots / n))
        print(String(format: "| skin shading (cheeks' mean distance from their median grey, levels) | %.1f | %.1f |", shadingOut / n, shadingIn / n))
        print(String(format: "| structure kept (grey 32x32 correlation) | %.3f | 1 |", correlation / n))
        print(String(format: "| skin colour distance (RGB levels) | %.1f | 0 |", skin / n))
        print(String(format: "| hair colour distance (RGB levels) | %.1f | 0 |", hair / n))
        if cycle != nil { print(String(format: "| cycle L1, F(G(x)) vs x | %.4f | 0 |", cycleL1 / n)) }
        print(String(format: "classifier check: %.3f of held-out cartoons and %.3f of held-out photos called cartoon",
                     classifier.cartoonShare(cartoonFeatures), classifier.cartoonShare(inputs)))
        let styleCartoons = StyleFeatures.means(cartoonFeatures)
        print(String(format: "held-out cartoons: flat pixels %.1f%%, texture pixels %.1f%%", 100 * styleCartoons[0], 100 * styleCartoons[2]))
        if listBlots {
            print((["faces with a blot off the eyes (\(blotted.count)):"] + blotted).joined(separator: "\n  "))
            print((["faces with white off the drawn eyes (\(whitened.count)):"] + whitened).joined(separator: "\n  "))
        }
    }

    /// The cartoon -> photo generator `F` of a checkpoint, compiled for inference.
    static func cartoonToPhoto(checkpoint: String, config: GeneratorConfig) throws -> GeneratorPlan {
        let file = try SafeTensorsFile.read(from: URL(fileURLWithPath: checkpoint))
        let weights = Dictionary(uniqueKeysWithValues: file.tensors.compactMap { name, tensor in
            name.hasPrefix("F.") ? (String(name.dropFirst(2)), tensor) : nil
        })
        guard !weights.isEmpty else { throw ValidationError("\(checkpoint) holds no F.* tensors: not a cartoonify-train checkpoint") }
        return GeneratorPlan(try Generator(config: config, weights: weights), kernels: try ProcessEnvironment.kernels())
    }

    /// A face's largest patch as `--list-blots` names it.
    static func patch(_ patch: (pixels: Int, centre: SIMD2<Float>), of name: String) -> String {
        String(format: "%@: %d pixels at (%.0f, %.0f)", name, patch.pixels, patch.centre.x, patch.centre.y)
    }

    /// The image made elsewhere for the held-out photo `name` (`--outputs`): `folder/name.png`, `size` pixels square.
    static func made(for name: String, in folder: String, size: Int) throws -> RGBImage {
        let path = (folder as NSString).appendingPathComponent(name + ".png")
        guard let bytes = FileManager.default.contents(atPath: path) else { throw ValidationError("--outputs has no \(path) for the photo \(name)") }
        let image: RGBImage
        do { image = try ImageDecoder.decode([UInt8](bytes)) } catch { throw ValidationError("\(path) cannot be decoded: \(error)") }
        guard image.width == size, image.height == size else {
            throw ValidationError("\(path) is \(image.width)x\(image.height), not the model's \(size)x\(size)")
        }
        return image
    }

    /// The .jpg/.jpeg/.png files of a folder in name order (`limit`: that many, spread evenly), decoded.
    static func images(_ folder: String, limit: Int?) throws -> [(name: String, bytes: [UInt8], image: RGBImage)] {
        let names = try FileManager.default.contentsOfDirectory(atPath: folder)
            .filter { ["jpg", "jpeg", "png"].contains(($0 as NSString).pathExtension.lowercased()) }.sorted()
        guard !names.isEmpty else { throw ValidationError("\(folder) holds no .jpg, .jpeg or .png images") }
        let picked = limit.map { limit in (0..<min(limit, names.count)).map { names[$0 * names.count / min(limit, names.count)] } } ?? names
        return try picked.map { name in
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: (folder as NSString).appendingPathComponent(name))))
            do {
                return (name, bytes, try ImageDecoder.decode(bytes))
            } catch {
                throw ValidationError("\(name) in \(folder) cannot be decoded: \(error)")
            }
        }
    }
}
