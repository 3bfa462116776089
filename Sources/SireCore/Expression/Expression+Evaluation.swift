extension Expression {
    /// Computes the expression's value.
    ///
    /// Paths through missing keys read as `null` (so `default(x, 1)` works); type errors such
    /// as `1 + {}`, division by zero, integer overflow and bad function arguments throw.
    public func evaluate(in context: EvaluationContext) throws(EvaluationError) -> Value {
        try Evaluator(context: context).evaluate(root)
    }
}
