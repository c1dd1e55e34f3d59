import Crypto
import Foundation
import _CryptoExtras

/// Feishu's event encryption and request signature, when the app has an Encrypt Key: the body is
/// `{"encrypt": base64(IV ‖ AES-256-CBC(PKCS#7(event JSON)))}` with the key SHA-256(encrypt key), and the
/// `X-Lark-Signature` header is the hex SHA-256 of timestamp + nonce + encrypt key + raw body.
enum FeishuCrypto {
    struct DecryptError: Error, CustomStringConvertible {
        var description: String
    }

    static func key(_ encryptKey: String) -> SymmetricKey {
        SymmetricKey(data: SHA256.hash(data: Data(encryptKey.utf8)))
    }

    static func decrypt(_ base64: String, encryptKey: String) throws(DecryptError) -> Data {
        guard let data = Data(base64Encoded: base64), data.count >= 32, data.count % 16 == 0 else {
            throw DecryptError(description: "\"encrypt\" is not base64 of an IV and whole AES blocks")
        }
        do {
            let iv = try AES._CBC.IV(ivBytes: data.prefix(16))
            return try AES._CBC.decrypt(data.dropFirst(16), using: key(encryptKey), iv: iv)
        } catch {
            throw DecryptError(description: "\"encrypt\" does not decrypt with the configured encrypt key")
        }
    }

    /// What Feishu does on its side (tests build encrypted events with it). A random IV unless one is given.
    static func encrypt(_ plaintext: Data, encryptKey: String, iv: [UInt8]? = nil) throws -> String {
        let ivBytes = iv ?? (0..<16).map { _ in UInt8.random(in: 0...255) }
        let sealed = try AES._CBC.encrypt(plaintext, using: key(encryptKey), iv: AES._CBC.IV(ivBytes: ivBytes))
        return (Data(ivBytes) + sealed).base64EncodedString()
    }

    static func signature(timestamp: String, nonce: String, encryptKey: String, body: some Sequence<UInt8>) -> String {
        var hash = SHA256()
        hash.update(data: Data((timestamp + nonce + encryptKey).utf8))
        hash.update(data: Data(body))
        return hash.finalize().map { String(format: "%02x", $0) }.joined()
    }

    /// Compares in constant time; the header's hex is taken in either case.
    static func verify(signature: String, timestamp: String, nonce: String, encryptKey: String, body: some Sequence<UInt8>) -> Bool {
        let expected = Self.signature(timestamp: timestamp, nonce: nonce, encryptKey: encryptKey, body: body)
        return AdminAuthMiddleware<TepaiRequestContext>.constantTimeEqual(Array(signature.lowercased().utf8), Array(expected.utf8))
    }
}
