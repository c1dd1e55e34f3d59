/// Region names and the short forms people type for them.
public enum Region {
    /// City level.
    public static let city = "市级"
    /// National rule (applies everywhere).
    public static let national = ""
}

/// The counties of the city and their short forms (迁西 → 迁西县, 曹妃甸 → 曹妃甸区), plus words for the city
/// level (市里 → 市级). Derived from the configured county list so administrators add a county in one place.
public struct RegionCatalog: Sendable {
    public let counties: [String]
    /// Every surface form → canonical region name, longest first for matching.
    public let forms: [(form: String, region: String)]

    public static let cityWords = ["市级", "市里", "市本级", "全市", "市局", "市科技局"]

    public init(counties: [String]) {
        self.counties = counties
        var forms: [(String, String)] = []
        for county in counties {
            forms.append((county, county))
            if let last = county.last, "县区市旗".contains(last), county.count >= 3 {
                forms.append((String(county.dropLast()), county))
            }
        }
        for word in Self.cityWords { forms.append((word, Region.city)) }
        self.forms = forms.sorted { $0.0.count > $1.0.count }
    }

    /// The region a name or short form stands for, if any.
    public func canonical(_ text: String) -> String? {
        forms.first(where: { $0.form == text })?.region
    }
}
