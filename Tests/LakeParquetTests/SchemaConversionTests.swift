import LakeColumnar
import Testing

@testable import LakeParquet

@Suite("Parquet schema → normalized tree")
struct SchemaConversionTests {
    static func schema(_ file: String) throws -> ParquetSchema {
        try ParquetSchema(elements: MetadataCorpus.footer(file).schema)
    }

    static let convertible = MetadataCorpus.goldenFiles.filter { !MetadataCorpus.expectedFooterFailures.contains($0) }

    @Test("every corpus schema converts to a consistent tree", arguments: convertible)
    func corpusInvariants(file: String) throws {
        let schema = try Self.schema(file)
        #expect(SchemaRender.problems(schema) == [])
        #expect(!schema.columns.isEmpty)
    }

    /// Trees derived by hand from each file's schema (pqinspect.py) and LogicalTypes.md.
    static let expectedTrees: [(String, String)] = [
        (
            "good/nested_lists.snappy.parquet",
            """
            a?: list d1 rd2 r1
              element?: list d3 rd4 r2
                element?: list d5 rd6 r3
                  element?: STRING d7 [a.list.element.list.element.list.element d7 r3]
            b: INT32 d0 [b d0 r0]
            """
        ),
        (
            "good/nested_maps.snappy.parquet",
            """
            a?: map d1 rd2 r1
              key: STRING d2 [a.key_value.key d2 r1]
              value?: map d3 rd4 r2
                key: INT32 d4 [a.key_value.value.key_value.key d4 r2]
                value: BOOLEAN d4 [a.key_value.value.key_value.value d4 r2]
            b: INT32 d0 [b d0 r0]
            c: DOUBLE d0 [c d0 r0]
            """
        ),
        (
            "good/nonnullable.impala.parquet",
            """
            ID: INT64 d0 [ID d0 r0]
            Int_Array: list d0 rd1 r1
              element: INT32 d1 [Int_Array.list.element d1 r1]
            int_array_array: list d0 rd1 r1
              element: list d1 rd2 r2
                element: INT32 d2 [int_array_array.list.element.list.element d2 r2]
            Int_Map: map d0 rd1 r1
              key: STRING d1 [Int_Map.map.key d1 r1]
              value: INT32 d1 [Int_Map.map.value d1 r1]
            int_map_array: list d0 rd1 r1
              element: map d1 rd2 r2
                key: STRING d2 [int_map_array.list.element.map.key d2 r2]
                value: INT32 d2 [int_map_array.list.element.map.value d2 r2]
            nested_Struct: struct d0
              a: INT32 d0 [nested_Struct.a d0 r0]
              B: list d0 rd1 r1
                element: INT32 d1 [nested_Struct.B.list.element d1 r1]
              c: struct d0
                D: list d0 rd1 r1
                  element: list d1 rd2 r2
                    element: struct d2
                      e: INT32 d2 [nested_Struct.c.D.list.element.list.element.e d2 r2]
                      f: STRING d2 [nested_Struct.c.D.list.element.list.element.f d2 r2]
              G: map d0 rd1 r1
                key: STRING d1 [nested_Struct.G.map.key d1 r1]
                value: struct d1
                  h: struct d1
                    i: list d1 rd2 r2
                      element: DOUBLE d2 [nested_Struct.G.map.value.h.i.list.element d2 r2]
            """
        ),
        (
            "good/map_no_value.parquet",
            """
            my_map: map d0 rd1 r1
              key: INT32 d1 [my_map.key_value.key d1 r1]
              value?: INT32 d2 [my_map.key_value.value d2 r1]
            my_map_no_v: list d0 rd1 r1
              element: INT32 d1 [my_map_no_v.key_value.key d1 r1]
            my_list: list d0 rd1 r1
              element: INT32 d1 [my_list.list.element d1 r1]
            """
        ),
        (
            "good/repeated_no_annotation.parquet",
            """
            id: INT32 d0 [id d0 r0]
            phoneNumbers?: struct d1
              phone: list d1 rd2 r1
                element: struct d2
                  number: INT64 d2 [phoneNumbers.phone.number d2 r1]
                  kind?: STRING d3 [phoneNumbers.phone.kind d3 r1]
            """
        ),
        (
            "good/repeated_primitive_no_list.parquet",
            """
            Int32_list: list d0 rd1 r1
              element: INT32 d1 [Int32_list d1 r1]
            String_list: list d0 rd1 r1
              element: STRING d1 [String_list d1 r1]
            group_of_lists: struct d0
              Int32_list_in_group: list d0 rd1 r1
                element: INT32 d1 [group_of_lists.Int32_list_in_group d1 r1]
              String_list_in_group: list d0 rd1 r1
                element: STRING d1 [group_of_lists.String_list_in_group d1 r1]
            """
        ),
        (
            "good/list_columns.parquet",
            """
            int64_list?: list d1 rd2 r1
              element?: INT64 d3 [int64_list.list.item d3 r1]
            utf8_list?: list d1 rd2 r1
              element?: STRING d3 [utf8_list.list.item d3 r1]
            """
        ),
        (
            "good/null_list.parquet",
            """
            emptylist?: list d1 rd2 r1
              element?: INT32 d3 [emptylist.list.item d3 r1]
            """
        ),
        (
            "good/datapage_v2.snappy.parquet",
            """
            a?: STRING d1 [a d1 r0]
            b: INT32 d0 [b d0 r0]
            c: DOUBLE d0 [c d0 r0]
            d: BOOLEAN d0 [d d0 r0]
            e?: list d1 rd2 r1
              element: INT32 d2 [e.list.element d2 r1]
            """
        ),
        (
            "good/nulls.snappy.parquet",
            """
            b_struct?: struct d1
              b_c_int?: INT32 d2 [b_struct.b_c_int d2 r0]
            """
        ),
        (
            // Presto: OPTIONAL key. The key field is non-nullable; its node keeps the true level 3.
            "good/incorrect_map_schema.parquet",
            """
            my_map?: map d1 rd2 r1
              key: STRING d3 [my_map.key_value.key d3 r1]
              value?: STRING d3 [my_map.key_value.value d3 r1]
            """
        ),
        (
            "writers/spark_checkpoint_shaped.parquet",
            """
            txn?: struct d1
              appId?: STRING d2 [txn.appId d2 r0]
              version?: INT64 d2 [txn.version d2 r0]
              lastUpdated?: INT64 d2 [txn.lastUpdated d2 r0]
            add?: struct d1
              path?: STRING d2 [add.path d2 r0]
              partitionValues?: map d2 rd3 r1
                key: STRING d3 [add.partitionValues.key_value.key d3 r1]
                value?: STRING d4 [add.partitionValues.key_value.value d4 r1]
              size?: INT64 d2 [add.size d2 r0]
              modificationTime?: INT64 d2 [add.modificationTime d2 r0]
              dataChange?: BOOLEAN d2 [add.dataChange d2 r0]
              stats?: STRING d2 [add.stats d2 r0]
              tags?: map d2 rd3 r1
                key: STRING d3 [add.tags.key_value.key d3 r1]
                value?: STRING d4 [add.tags.key_value.value d4 r1]
              deletionVector?: struct d2
                storageType?: STRING d3 [add.deletionVector.storageType d3 r0]
                pathOrInlineDv?: STRING d3 [add.deletionVector.pathOrInlineDv d3 r0]
                offset?: INT32 d3 [add.deletionVector.offset d3 r0]
                sizeInBytes?: INT32 d3 [add.deletionVector.sizeInBytes d3 r0]
                cardinality?: INT64 d3 [add.deletionVector.cardinality d3 r0]
            remove?: struct d1
              path?: STRING d2 [remove.path d2 r0]
              deletionTimestamp?: INT64 d2 [remove.deletionTimestamp d2 r0]
              dataChange?: BOOLEAN d2 [remove.dataChange d2 r0]
            metaData?: struct d1
              id?: STRING d2 [metaData.id d2 r0]
              name?: STRING d2 [metaData.name d2 r0]
              description?: STRING d2 [metaData.description d2 r0]
              format?: struct d2
                provider?: STRING d3 [metaData.format.provider d3 r0]
                options?: map d3 rd4 r1
                  key: STRING d4 [metaData.format.options.key_value.key d4 r1]
                  value?: STRING d5 [metaData.format.options.key_value.value d5 r1]
              schemaString?: STRING d2 [metaData.schemaString d2 r0]
              partitionColumns?: list d2 rd3 r1
                element?: STRING d4 [metaData.partitionColumns.list.element d4 r1]
              configuration?: map d2 rd3 r1
                key: STRING d3 [metaData.configuration.key_value.key d3 r1]
                value?: STRING d4 [metaData.configuration.key_value.value d4 r1]
              createdTime?: INT64 d2 [metaData.createdTime d2 r0]
            protocol?: struct d1
              minReaderVersion?: INT32 d2 [protocol.minReaderVersion d2 r0]
              minWriterVersion?: INT32 d2 [protocol.minWriterVersion d2 r0]
              readerFeatures?: list d2 rd3 r1
                element?: STRING d4 [protocol.readerFeatures.list.element d4 r1]
              writerFeatures?: list d2 rd3 r1
                element?: STRING d4 [protocol.writerFeatures.list.element d4 r1]
            """
        ),
    ]

    @Test("nested corpus schemas normalize as expected", arguments: expectedTrees)
    func expectedTree(file: String, expected: String) throws {
        #expect(SchemaRender.tree(try Self.schema(file)) == expected)
    }

    @Test("delta-rs checkpoint: add and metaData subtrees")
    func deltaRSCheckpoint() throws {
        let schema = try Self.schema("writers/deltars_checkpoint.parquet")
        #expect(
            schema.roots.map(\.field.name) == [
                "add", "remove", "metaData", "protocol", "txn", "domainMetadata", "sidecar",
            ])
        var add: [String] = []
        SchemaRender.render(schema.roots[0], schema.columns, indent: "", into: &add)
        #expect(
            add.joined(separator: "\n") == """
                add?: struct d1
                  path: STRING d1 [add.path d1 r0]
                  partitionValues: map d1 rd2 r1
                    key: STRING d2 [add.partitionValues.key_value.key d2 r1]
                    value?: STRING d3 [add.partitionValues.key_value.value d3 r1]
                  size: INT64 d1 [add.size d1 r0]
                  modificationTime: INT64 d1 [add.modificationTime d1 r0]
                  dataChange: BOOLEAN d1 [add.dataChange d1 r0]
                  stats?: STRING d2 [add.stats d2 r0]
                  tags?: map d2 rd3 r1
                    key: STRING d3 [add.tags.key_value.key d3 r1]
                    value?: STRING d4 [add.tags.key_value.value d4 r1]
                  deletionVector?: struct d2
                    storageType: STRING d2 [add.deletionVector.storageType d2 r0]
                    pathOrInlineDv: STRING d2 [add.deletionVector.pathOrInlineDv d2 r0]
                    offset?: INT32 d3 [add.deletionVector.offset d3 r0]
                    sizeInBytes: INT32 d2 [add.deletionVector.sizeInBytes d2 r0]
                    cardinality: INT64 d2 [add.deletionVector.cardinality d2 r0]
                  baseRowId?: INT64 d2 [add.baseRowId d2 r0]
                  defaultRowCommitVersion?: INT64 d2 [add.defaultRowCommitVersion d2 r0]
                  clusteringProvider?: STRING d2 [add.clusteringProvider d2 r0]
                """
        )
        var metaData: [String] = []
        SchemaRender.render(schema.roots[2], schema.columns, indent: "", into: &metaData)
        #expect(
            metaData.joined(separator: "\n") == """
                metaData?: struct d1
                  id: STRING d1 [metaData.id d1 r0]
                  name?: STRING d2 [metaData.name d2 r0]
                  description?: STRING d2 [metaData.description d2 r0]
                  format: struct d1
                    provider: STRING d1 [metaData.format.provider d1 r0]
                    options: map d1 rd2 r1
                      key: STRING d2 [metaData.format.options.key_value.key d2 r1]
                      value: STRING d2 [metaData.format.options.key_value.value d2 r1]
                  schemaString: STRING d1 [metaData.schemaString d1 r0]
                  partitionColumns: list d1 rd2 r1
                    element: STRING d2 [metaData.partitionColumns.list.element d2 r1]
                  createdTime?: INT64 d2 [metaData.createdTime d2 r0]
                  configuration: map d1 rd2 r1
                    key: STRING d2 [metaData.configuration.key_value.key d2 r1]
                    value: STRING d2 [metaData.configuration.key_value.value d2 r1]
                """
        )
    }

    @Test("lake schemas of nested files")
    func lakeSchemaStrings() throws {
        #expect(
            try Self.schema("good/nested_maps.snappy.parquet").lakeSchema.description == """
                a MAP<STRING, MAP<INT32, BOOLEAN>>
                b INT32 NOT NULL
                c DOUBLE NOT NULL
                """
        )
        #expect(
            try Self.schema("good/repeated_no_annotation.parquet").lakeSchema.description == """
                id INT32 NOT NULL
                phoneNumbers STRUCT<phone: LIST<STRUCT<number: INT64, kind: STRING>>>
                """
        )
        #expect(
            try Self.schema("writers/spark_checkpoint_shaped.parquet").lakeSchema.description == """
                txn STRUCT<appId: STRING, version: INT64, lastUpdated: INT64>
                add STRUCT<path: STRING, partitionValues: MAP<STRING, STRING>, size: INT64, modificationTime: INT64, \
                dataChange: BOOLEAN, stats: STRING, tags: MAP<STRING, STRING>, deletionVector: STRUCT<storageType: STRING, \
                pathOrInlineDv: STRING, offset: INT32, sizeInBytes: INT32, cardinality: INT64>>
                remove STRUCT<path: STRING, deletionTimestamp: INT64, dataChange: BOOLEAN>
                metaData STRUCT<id: STRING, name: STRING, description: STRING, format: STRUCT<provider: STRING, \
                options: MAP<STRING, STRING>>, schemaString: STRING, partitionColumns: LIST<STRING>, \
                configuration: MAP<STRING, STRING>, createdTime: INT64>
                protocol STRUCT<minReaderVersion: INT32, minWriterVersion: INT32, readerFeatures: LIST<STRING>, \
                writerFeatures: LIST<STRING>>
                """
        )
        #expect(
            try Self.schema("good/alltypes_plain.parquet").lakeSchema.description == """
                id INT32
                bool_col BOOLEAN
                tinyint_col INT32
                smallint_col INT32
                int_col INT32
                bigint_col INT64
                float_col FLOAT
                double_col DOUBLE
                date_string_col BINARY
                string_col BINARY
                timestamp_col TIMESTAMP_NTZ
                """
        )
        #expect(
            try Self.schema("writers/pyarrow_default.parquet").lakeSchema.description == """
                id INT64
                i32 INT32
                i64 INT64
                f64 DOUBLE
                flag BOOLEAN
                s_low STRING
                s_high STRING
                d DATE
                ts_utc TIMESTAMP
                ts_local TIMESTAMP_NTZ
                dec18_4 DECIMAL(18,4)
                dec38_10 DECIMAL(38,10)
                """
        )
    }

    // MARK: - Legacy and edge forms (LogicalTypes.md backward-compatibility rules)

    static let legacyForms: [(String, [SchemaElement], String)] = [
        (
            "rule 1: a repeated primitive is the element",
            [root(1), group(.optional, "a", 1, converted: .list), element(.repeated, .int32, "array")],
            """
            a?: list d1 rd2 r1
              element: INT32 d2 [a.array d2 r1]
            """
        ),
        (
            "rule 2: a repeated group with two fields is the element",
            [
                root(1), group(.optional, "a", 1, converted: .list), group(.repeated, "bag", 2),
                element(.required, .int32, "x"), element(.optional, .int64, "y"),
            ],
            """
            a?: list d1 rd2 r1
              element: struct d2
                x: INT32 d2 [a.bag.x d2 r1]
                y?: INT64 d3 [a.bag.y d3 r1]
            """
        ),
        (
            "rule 3: a one-field group named array is the element",
            [
                root(1), group(.required, "a", 1, logical: .list), group(.repeated, "array", 1),
                element(.optional, .int32, "x"),
            ],
            """
            a: list d0 rd1 r1
              element: struct d1
                x?: INT32 d2 [a.array.x d2 r1]
            """
        ),
        (
            "rule 3: a one-field group named <list>_tuple is the element",
            [
                root(1), group(.optional, "a", 1, converted: .list), group(.repeated, "a_tuple", 1),
                element(.required, .int32, "x"),
            ],
            """
            a?: list d1 rd2 r1
              element: struct d2
                x: INT32 d2 [a.a_tuple.x d2 r1]
            """
        ),
        (
            "rule 4: otherwise the single child is the element",
            [
                root(1), group(.optional, "a", 1, converted: .list), group(.repeated, "bag", 1),
                element(.optional, .int32, "x"),
            ],
            """
            a?: list d1 rd2 r1
              element?: INT32 d3 [a.bag.x d3 r1]
            """
        ),
        (
            "a repeated element inside a 3-level list is a list of lists",
            [
                root(1), group(.optional, "a", 1, logical: .list), group(.repeated, "list", 1),
                element(.repeated, .int32, "element"),
            ],
            """
            a?: list d1 rd2 r1
              element: list d2 rd3 r2
                element: INT32 d3 [a.list.element d3 r2]
            """
        ),
        (
            "MAP_KEY_VALUE on the outer group is a map",
            [
                root(1), group(.optional, "m", 1, converted: .mapKeyValue), group(.repeated, "map", 2),
                element(.required, .byteArray, "key", converted: .utf8), element(.optional, .int32, "value"),
            ],
            """
            m?: map d1 rd2 r1
              key: STRING d2 [m.map.key d2 r1]
              value?: INT32 d3 [m.map.value d3 r1]
            """
        ),
        (
            "a repeated MAP_KEY_VALUE group outside a map is a list of structs",
            [
                root(1), group(.repeated, "map", 2, converted: .mapKeyValue),
                element(.required, .byteArray, "key"), element(.optional, .int32, "value"),
            ],
            """
            map: list d0 rd1 r1
              element: struct d1
                key: BINARY d1 [map.key d1 r1]
                value?: INT32 d2 [map.value d2 r1]
            """
        ),
        (
            "a repeated group under a repeated group nests lists",
            [root(1), group(.repeated, "outer", 1), element(.repeated, .int32, "inner")],
            """
            outer: list d0 rd1 r1
              element: struct d1
                inner: list d1 rd2 r2
                  element: INT32 d2 [outer.inner d2 r2]
            """
        ),
        (
            "a map whose value is a list of maps",
            [
                root(1), group(.optional, "m", 1, logical: .map), group(.repeated, "key_value", 2),
                element(.required, .int64, "key"), group(.optional, "value", 1, logical: .list),
                group(.repeated, "list", 1), group(.required, "element", 1, logical: .map),
                group(.repeated, "key_value", 1), element(.required, .int32, "key"),
            ],
            """
            m?: map d1 rd2 r1
              key: INT64 d2 [m.key_value.key d2 r1]
              value?: list d3 rd4 r2
                element: list d4 rd5 r3
                  element: INT32 d5 [m.key_value.value.list.element.key_value.key d5 r3]
            """
        ),
        (
            "a root that repeats REQUIRED (pyarrow) is still the root; no columns is fine",
            [group(.required, "schema", 0)],
            ""
        ),
    ]

    @Test("legacy list and map forms", arguments: legacyForms)
    func legacyForm(name: String, elements: [SchemaElement], expected: String) throws {
        let schema = try ParquetSchema(elements: elements)
        #expect(SchemaRender.tree(schema) == expected, "\(name)")
        #expect(SchemaRender.problems(schema) == [], "\(name)")
    }

    static let malformed: [(String, [SchemaElement], DecodeError)] = [
        ("no elements", [], .corrupt("the schema has no elements")),
        ("leaf root", [element(nil, .int32, "schema")], .corrupt("the schema root 'schema' is a leaf, not a group")),
        (
            "too many children",
            [root(2), element(.required, .int32, "a")],
            .corrupt("schema group 'schema' claims 2 children but only 1 elements follow")
        ),
        (
            "nested overrun",
            [root(2), group(.required, "g", 1), group(.required, "h", 1), element(.required, .int32, "a")],
            .corrupt("schema group 'schema' claims 2 children but the schema ends after 1")
        ),
        (
            "leftover elements",
            [root(1), element(.required, .int32, "a"), element(.required, .int32, "b")],
            .corrupt("the schema lists 3 elements but the root's num_children cover only 2")
        ),
        (
            "no repetition",
            [root(1), element(nil, .int32, "a")],
            .corrupt("schema element 'a' has no repetition_type")
        ),
        ("empty group", [root(1), group(.optional, "g", 0)], .unsupported("schema group 'g' has no children")),
        (
            "LIST with two children",
            [
                root(1), group(.optional, "a", 2, logical: .list), element(.repeated, .int32, "x"),
                element(.repeated, .int32, "y"),
            ],
            .corrupt("LIST group 'a' must have exactly one repeated child")
        ),
        (
            "LIST child not repeated",
            [root(1), group(.optional, "a", 1, logical: .list), element(.optional, .int32, "x")],
            .corrupt("LIST group 'a' must have exactly one repeated child")
        ),
        (
            "MAP child is a primitive",
            [root(1), group(.optional, "m", 1, logical: .map), element(.repeated, .int32, "key")],
            .corrupt("MAP group 'm' must have exactly one repeated group child")
        ),
        (
            "MAP entry with three fields",
            [
                root(1), group(.optional, "m", 1, logical: .map), group(.repeated, "key_value", 3),
                element(.required, .int32, "key"), element(.optional, .int32, "value"),
                element(.optional, .int32, "extra"),
            ],
            .corrupt("MAP group 'm' has 3 fields in its repeated group; expected key and value")
        ),
        (
            "FLBA without length",
            [root(1), element(.required, .fixedLenByteArray, "f")],
            .corrupt("FIXED_LEN_BYTE_ARRAY column 'f' has no positive type_length")
        ),
        (
            "decimal precision 39",
            [
                root(1),
                element(.required, .fixedLenByteArray, "d", logical: .decimal(scale: 2, precision: 39), length: 17),
            ],
            .unsupported("column 'd' is DECIMAL(39,2); precision must be 1...38")
        ),
        (
            "decimal precision 0",
            [root(1), element(.required, .int32, "d", logical: .decimal(scale: 0, precision: 0))],
            .unsupported("column 'd' is DECIMAL(0,0); precision must be 1...38")
        ),
        (
            "decimal scale above precision",
            [root(1), element(.required, .int64, "d", converted: .decimal, scale: 5, precision: 4)],
            .unsupported("column 'd' is DECIMAL(4,5); scale must be 0...precision")
        ),
        (
            "decimal negative scale",
            [root(1), element(.required, .int64, "d", logical: .decimal(scale: -1, precision: 4))],
            .unsupported("column 'd' is DECIMAL(4,-1); scale must be 0...precision")
        ),
        (
            "converted DECIMAL without precision",
            [root(1), element(.required, .int64, "d", converted: .decimal, scale: 1)],
            .unsupported("DECIMAL column 'd' has no precision")
        ),
    ]

    @Test("malformed schemas throw", arguments: malformed)
    func malformedSchema(name: String, elements: [SchemaElement], error: DecodeError) {
        #expect(throws: error, "\(name)") { try ParquetSchema(elements: elements) }
    }

    @Test("nesting depth is capped", arguments: [10, 63, 64, 65, 1000])
    func depthCap(depth: Int) {
        var elements = [root(1)]
        for level in 0..<depth - 1 { elements.append(group(.optional, "g\(level)", 1)) }
        elements.append(element(.optional, .int32, "leaf"))
        if depth <= ParquetSchema.maxSchemaDepth {
            let schema = try? ParquetSchema(elements: elements)
            #expect(schema?.columns.first?.maxDefinitionLevel == depth)
        } else {
            #expect(throws: DecodeError.self) { try ParquetSchema(elements: elements) }
        }
    }
}
