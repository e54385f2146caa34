import Testing
@testable import InboxCore

/// The search signature's bits are part of the snapshot format: a snapshot written by an
/// earlier build keeps its signatures, so the bits of a text must not change.
struct SearchSignatureTests {
    @Test func theBitsOfATextArePinned() {
        let s = SearchSignature.of(title: "Pathways 8, by Ada", actor: nil, body: nil)
        #expect([s.w0, s.w1, s.w2, s.w3] == [0x8181_0000_0020_0450, 0x0000_0200_0210_8810, 0x3044_0290_4900_8801, 0x8000_0044_0204_2010])
        // Title, actor and body are one text for the bits (no pair across their ends).
        let split = SearchSignature.of(title: "Pathways", actor: " 8, by", body: " Ada")
        #expect(split.covers(SearchSignature.mask(query: "ways")) && split.covers(SearchSignature.mask(query: " ada")))
    }

    @Test func aTextCoversEveryPieceOfItselfInAnyCase() {
        let text = "Grace REVIEWED graph 'pathways 12' (3 new nodes)"
        let s = SearchSignature.of(title: text, actor: "grace", body: nil)
        for query in ["reviewed", "PATHWAYS 1", "s 12'", "(3 new", "grace"] {
            #expect(s.covers(SearchSignature.mask(query: query)), "\(query)")
        }
        #expect(!s.covers(SearchSignature.mask(query: "zebra")))
        #expect(SearchSignature.mask(query: "é").isEmpty && SearchSignature.mask(query: "x").isEmpty)
    }
}
