import LakeColumnar
import LakeIngest
import Testing

@Suite("sensors sample data")
struct SensorReadingsTests {
    @Test("the same seed gives the same rows however they are split into batches")
    func deterministicAcrossSplits() {
        let generator = SensorReadings(rowCount: 10_000)
        let whole = generator.batch(0..<10_000)
        for batchRows in [1, 7, 4096, 10_000] {
            let parts = generator.batches(batchRows: batchRows)
            #expect(parts.reduce(0) { $0 + $1.rowCount } == 10_000)
            for index in whole.columns.indices {
                #expect(Column.concatenate(parts.map { $0.columns[index] }) == whole.columns[index])
            }
        }
        #expect(SensorReadings(rowCount: 10_000).batch(0..<10_000) == whole)
        #expect(SensorReadings(rowCount: 10_000, seed: 7).batch(0..<10_000) != whole)
    }

    @Test("values have the documented shape (SPEC.md §9)")
    func shape() throws {
        let batch = SensorReadings(rowCount: 100_000).batch(0..<100_000)
        #expect(batch.schema == SensorReadings.schema)
        guard case .string(let devices) = batch.columns[0], case .string(let sites) = batch.columns[1],
            case .timestamp(let times) = batch.columns[2], case .float64(let temperatures) = batch.columns[3],
            case .float64(let humidities) = batch.columns[4], case .int32(let batteries) = batch.columns[5]
        else {
            Issue.record("unexpected column types")
            return
        }
        #expect(devices.validity == nil && sites.validity == nil && times.validity == nil)
        #expect(times.values.first == 1_704_067_200_000_000)
        #expect(times.values[1] - times.values[0] == 1_000_000)
        var distinctDevices = Set<String>()
        for row in 0..<batch.rowCount {
            let device = devices.string(at: row) ?? ""
            distinctDevices.insert(device)
            let number = Int(device.dropFirst(4))!
            #expect(device.hasPrefix("dev-") && device.count == 8)
            #expect(sites.string(at: row) == SensorReadings.sites[number % SensorReadings.sites.count])
        }
        #expect(distinctDevices.count == 500)
        let temperatureNulls = (0..<batch.rowCount).count { !(temperatures.validity?.isValid($0) ?? true) }
        let humidityNulls = (0..<batch.rowCount).count { !(humidities.validity?.isValid($0) ?? true) }
        #expect((700...1300).contains(temperatureNulls))
        #expect((700...1300).contains(humidityNulls))
        let outliers = temperatures.values.count { $0 > 60 || $0 < -40 }
        #expect((50...150).contains(outliers))
        #expect(humidities.values.allSatisfy { (40...90).contains($0) })
        #expect(batteries.values.allSatisfy { (0...100).contains($0) })
    }
}
