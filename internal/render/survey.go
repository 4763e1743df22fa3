package render

// SetSurveyLink sets Base.SurveyLink on a renderer already built, for
// wiring that parses the templates before the links' keys are at hand. It
// must be called before the renderer is first used: Render reads it
// without a lock.
func (r *Renderer) SetSurveyLink(link func(caseNumber string) string) { r.base.SurveyLink = link }
