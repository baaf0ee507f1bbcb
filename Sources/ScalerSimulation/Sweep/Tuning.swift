/// The cheapest setting of a family that meets a service level: at most `slo` of requests over
/// target, fewest worker-seconds, ties broken by fewer requests over target, then by order.
public enum Tuning {
    public static func cheapest(meeting slo: Double, in family: FamilyResult) -> Int? {
        family.points.indices
            .filter { family.points[$0].overTarget <= slo }
            .min { a, b in
                let x = family.points[a].key, y = family.points[b].key
                return x.cost != y.cost ? x.cost < y.cost : x.over != y.over ? x.over < y.over : a < b
            }
    }
}
