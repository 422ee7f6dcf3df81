import LakeColumnar
import LakeEngine
import Testing

@Suite("Result writer")
struct ResultWriterTests {
    static let batch: RecordBatch = {
        let schema = Schema([
            Field("id", .int64, isNullable: false), Field("name", .string), Field("score", .float64),
            Field("day", .date), Field("at", .timestamp), Field("price", .decimal(precision: 10, scale: 2)),
            Field("tags", .list(Field("element", .string))),
        ])
        let tags = ListColumn(
            element: Field("element", .string), offsets: [0, 2, 2, 3],
            elements: .string(StringColumn(["a", "b,c", nil])), validity: ValidityBitmap([true, false, true]))
        return RecordBatch(
            schema: schema,
            columns: [
                .int64(PrimitiveColumn(values: [1, 2, 3])),
                .string(StringColumn(["plain", "with \"quote\", comma", nil])),
                .float64(PrimitiveColumn(values: [0.1, .nan, -.infinity])),
                .date(PrimitiveColumn(values: [0, -1, 19_000])),
                .timestamp(PrimitiveColumn(values: [0, 1_500_000, -1])),
                .decimal64(PrimitiveColumn(values: [123, -5, 0], validity: ValidityBitmap([true, true, false])), precision: 10, scale: 2),
                .list(tags),
            ])
    }()

    static func render(_ format: OutputFormat) -> String {
        var text = ""
        let writer = ResultWriter(format: format) { text += $0 }
        writer.write(batch)
        writer.finish()
        return text
    }

    @Test func csvQuotesAndNulls() {
        #expect(
            Self.render(.csv) == """
                id,name,score,day,at,price,tags
                1,plain,0.1,1970-01-01,1970-01-01T00:00:00Z,1.23,"[""a"",""b,c""]"
                2,"with ""quote"", comma",NaN,1969-12-31,1970-01-01T00:00:01.5Z,-0.05,
                3,,-Infinity,2022-01-08,1969-12-31T23:59:59.999999Z,,[null]

                """)
    }

    @Test func jsonLinesAreValidJSONPerRow() {
        let lines = Self.render(.jsonl).split(separator: "\n")
        #expect(lines.count == 3)
        #expect(
            lines[1]
                == #"{"id":2,"name":"with \"quote\", comma","score":"NaN","day":"1969-12-31","at":"1970-01-01T00:00:01.5Z","price":-0.05,"tags":null}"#
        )
    }

    @Test func jsonIsOneArray() {
        let text = Self.render(.json)
        #expect(text.hasPrefix("[\n{\"id\":1"))
        #expect(text.hasSuffix("}\n]\n"))
        var empty = ""
        let writer = ResultWriter(format: .json) { empty += $0 }
        writer.finish(schema: Self.batch.schema)
        #expect(empty == "[]\n")
    }

    @Test func tableShowsTypesNullsAndRowCount() {
        let text = Self.render(.table)
        #expect(text.hasPrefix("┌───────┬"))
        #expect(text.contains("│ id    │ name"))
        #expect(text.contains("NULL"))
        #expect(text.contains("decimal(10,2)"))
        #expect(text.hasSuffix("3 rows\n"))
    }

    @Test func markdownEscapesPipes() {
        var text = ""
        let writer = ResultWriter(format: .markdown) { text += $0 }
        writer.write(RecordBatch(schema: Schema([Field("s", .string)]), columns: [.string(StringColumn(["a|b"]))]))
        writer.finish()
        #expect(text == "| s |\n| --- |\n| a\\|b |\n")
    }
}
