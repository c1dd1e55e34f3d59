import Foundation
import Hummingbird

/// Guards the admin routes: `Authorization: Bearer TOKEN`, compared in constant time. A missing or wrong
/// token gets 401 before any handler runs, so it changes nothing. The token is never logged.
public struct AdminAuthMiddleware<Context: RequestContext>: RouterMiddleware {
    let token: [UInt8]

    public init(token: String) {
        self.token = Array(token.utf8)
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard !token.isEmpty else {
            return Routes.errorResponse(.unauthorized, "the admin API is off: set admin_token (or admin_token_file) in the configuration")
        }
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer "),
              Self.constantTimeEqual(Array(header.utf8.dropFirst(7)), token) else {
            var response = Routes.errorResponse(.unauthorized, "missing or wrong admin token (Authorization: Bearer …)")
            response.headers[.wwwAuthenticate] = "Bearer"
            return response
        }
        return try await next(request, context)
    }

    /// Takes the same time whatever the first differing byte, so the token cannot be guessed byte by byte.
    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var diff = UInt8(truncatingIfNeeded: a.count ^ b.count)
        for i in 0..<max(a.count, b.count) {
            diff |= (i < a.count ? a[i] : 0) ^ (i < b.count ? b[i] : 0)
        }
        return diff == 0
    }
}
