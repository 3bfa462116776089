// The YAML composer lives here (YAMLNode, YAMLComposer).
