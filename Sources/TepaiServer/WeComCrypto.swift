import Crypto
import Foundation
import _CryptoExtras

/// The WeCom callback cipher (also the AI bot's): the key is base64(EncodingAESKey + "="), 32 bytes; AES-256-CBC
/// with the key's first 16 bytes as IV and PKCS#7 padding to a multiple of 32 bytes; the plaintext is
/// 16 random bytes, the message length (4 bytes, big-endian), the message and the receive id (empty for AI
/// bots). Signatures are the hex SHA-1 of the sorted concatenation of token, timestamp, nonce and ciphertext.
enum WeComCrypto {
    struct CipherError: Error, CustomStringConvertible {
        var description: String
    }

    static let padBlock = 32

    static func key(_ encodingAESKey: String) -> [UInt8]? {
        guard let data = Data(base64Encoded: encodingAESKey + "="), data.count == 32 else { return nil }
        return Array(data)
    }

    static func signature(token: String, timestamp: String, nonce: String, encrypted: String) -> String {
        let joined = [token, timestamp, nonce, encrypted].sorted().joined()
        return Insecure.SHA1.hash(data: Data(joined.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    static func verify(signature: String, token: String, timestamp: String, nonce: String, encrypted: String) -> Bool {
        let expected = Self.signature(token: token, timestamp: timestamp, nonce: nonce, encrypted: encrypted)
        return AdminAuthMiddleware<TepaiRequestContext>.constantTimeEqual(Array(signature.lowercased().utf8), Array(expected.utf8))
    }

    /// The message inside a ciphertext (the receive id after it is returned too).
    static func decrypt(_ base64: String, key: [UInt8]) throws(CipherError) -> (message: Data, receiveID: Data) {
        guard let data = Data(base64Encoded: base64), !data.isEmpty, data.count % padBlock == 0 else {
            throw CipherError(description: "not base64 of whole 32-byte blocks")
        }
        let plain: Data
        do {
            plain = try AES._CBC.decrypt(data, using: SymmetricKey(data: key), iv: AES._CBC.IV(ivBytes: key.prefix(16)), noPadding: true)
        } catch {
            throw CipherError(description: "does not decrypt with the configured EncodingAESKey")
        }
        let bytes = Array(plain)
        guard let pad = bytes.last.map(Int.init), (1...padBlock).contains(pad), bytes.count >= 20 + pad,
              bytes.suffix(pad).allSatisfy({ Int($0) == pad }) else {
            throw CipherError(description: "does not decrypt with the configured EncodingAESKey (bad padding)")
        }
        let body = bytes[16..<(bytes.count - pad)]
        let length = body.prefix(4).reduce(0) { $0 << 8 | Int($1) }
        guard body.count - 4 >= length else { throw CipherError(description: "the length field is longer than the message") }
        let start = body.startIndex + 4
        return (Data(body[start..<(start + length)]), Data(body[(start + length)...]))
    }

    /// Encrypts a message the way WeCom does (replies, and the tests' questions).
    static func encrypt(_ message: Data, key: [UInt8], receiveID: String = "") throws -> String {
        var plain = (0..<16).map { _ in UInt8.random(in: 0...255) }
        let length = UInt32(message.count)
        plain += [UInt8(length >> 24 & 0xff), UInt8(length >> 16 & 0xff), UInt8(length >> 8 & 0xff), UInt8(length & 0xff)]
        plain += message
        plain += Array(receiveID.utf8)
        let pad = padBlock - plain.count % padBlock
        plain += Array(repeating: UInt8(pad), count: pad)
        let sealed = try AES._CBC.encrypt(plain, using: SymmetricKey(data: key), iv: AES._CBC.IV(ivBytes: key.prefix(16)), noPadding: true)
        return sealed.base64EncodedString()
    }
}
